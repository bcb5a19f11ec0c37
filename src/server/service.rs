//! The service the transport drives: tower-lsp-server's `LspService`
//! wrapped so that
//! - document notifications (`didOpen`, `didChange`, `didClose`,
//!   `didSave`) are queued for the document worker right here, in `call`,
//!   which the transport invokes once per message in the order messages are
//!   read: edits apply strictly in the order sent, whatever order the
//!   concurrent request handlers run in;
//! - a panic anywhere in a request's future is answered with an internal
//!   error (handlers also guard their synchronous work themselves);
//! - the stand-in for a frame that was not a message (see `transport.rs`)
//!   is answered with a parse error or an invalid request error;
//! - `exit` is signalled to `serve`, which then returns even if some
//!   handler still waits (e.g. for a client that will never answer);
//! - `shutdown` sent as a notification is ignored (the spec makes it a
//!   request); a request named `$/…` that nothing handles gets "method not
//!   found" (tower-lsp-server would leave it unanswered);
//! - every request can be cancelled from the transport (`Shared::cancel`),
//!   so `$/cancelRequest` works even when every request slot is taken;
//! - error messages are cut to a short excerpt (a serde error may quote a
//!   whole parameter).

use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::future::{Aborted, BoxFuture};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{ExitedError, LspService};

use super::backend::Backend;
use super::state::internal_error;
use super::transport::INVALID_MESSAGE;
use super::worker::Op;

pub struct Ordered {
    inner: LspService<Backend>,
}

impl Ordered {
    pub fn new(inner: LspService<Backend>) -> Ordered {
        Ordered { inner }
    }

    pub fn backend(&self) -> &Backend {
        self.inner.inner()
    }
}

impl Service<Request> for Ordered {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxFuture<'static, Result<Option<Response>, ExitedError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if req.method() == INVALID_MESSAGE {
            let invalid = req
                .params()
                .and_then(|p| p.get("invalidRequest"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let id = req.id().cloned().unwrap_or(Id::Null);
            let error = if invalid {
                Error::invalid_request()
            } else {
                Error::parse_error()
            };
            return futures::future::ok(Some(Response::from_error(id, error))).boxed();
        }
        if req.method() == "shutdown" && req.id().is_none() {
            tracing::warn!("ignoring `shutdown` sent as a notification (it is a request)");
            return futures::future::ok(None).boxed();
        }
        if req.method().starts_with("$/")
            && let Some(id) = req.id()
        {
            tracing::warn!("no method {}", excerpt(req.method()));
            let response = Response::from_error(id.clone(), Error::method_not_found());
            return futures::future::ok(Some(response)).boxed();
        }
        if req.method() == "exit" {
            self.backend().shared().exit.notify_one();
        }
        if req.id().is_none() && is_document_notification(req.method()) {
            let backend = self.inner.inner();
            if backend.shared().accepts_notifications() {
                let (method, _, params) = req.into_parts();
                if let Some(op) = Op::for_method(&method, params.unwrap_or_default()) {
                    backend.queue().push(op);
                }
            }
            return futures::future::ok(None).boxed();
        }
        let id = req.id().cloned();
        let method = req.method().to_string();
        let shared = self.backend().shared().clone();
        let fault = shared.options.fault.clone();
        let fut = self.inner.call(req);
        let guarded = AssertUnwindSafe(async move {
            if let Some(hook) = fault {
                hook(&method);
            }
            fut.await
        })
        .catch_unwind();
        let Some(id) = id else {
            return guarded.map(|outcome| outcome.unwrap_or(Ok(None))).boxed();
        };
        let (guarded, handle) = futures::future::abortable(guarded);
        let registered = shared.pending.register(id.clone(), handle);
        async move {
            let outcome = guarded.await;
            shared.pending.finish(&id, registered);
            match outcome {
                Ok(Ok(Ok(response))) => Ok(response.map(short_errors)),
                Ok(Ok(Err(exited))) => Err(exited),
                Ok(Err(panic)) => Ok(Some(Response::from_error(
                    id,
                    internal_error("request", panic.as_ref()),
                ))),
                Err(Aborted) => Ok(Some(Response::from_error(id, Error::request_cancelled()))),
            }
        }
        .boxed()
    }
}

/// How much of a piece of client input an error message may quote.
const EXCERPT: usize = 120;

/// `text` cut to [`EXCERPT`] characters (with `…` when cut).
pub fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// `response` with its error message (if any) cut to a short excerpt.
fn short_errors(response: Response) -> Response {
    let (id, body) = response.into_parts();
    let body = body.map_err(|mut e| {
        if e.message.chars().count() > EXCERPT {
            e.message = excerpt(&e.message).into();
        }
        e
    });
    Response::from_parts(id, body)
}

fn is_document_notification(method: &str) -> bool {
    Op::for_method(method, serde_json::Value::Null).is_some()
}
