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
//!   is answered with a parse error;
//! - `exit` is signalled to `serve`, which then returns even if some
//!   handler still waits (e.g. for a client that will never answer).

use std::panic::AssertUnwindSafe;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::future::BoxFuture;
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
            let id = req.id().cloned().unwrap_or(Id::Null);
            let response = Response::from_error(id, Error::parse_error());
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
        let fault = self.backend().shared().options.fault.clone();
        let fut = self.inner.call(req);
        AssertUnwindSafe(async move {
            if let Some(hook) = fault {
                hook(&method);
            }
            fut.await
        })
        .catch_unwind()
        .map(move |outcome| match outcome {
            Ok(response) => response,
            Err(panic) => Ok(
                id.map(|id| Response::from_error(id, internal_error("request", panic.as_ref())))
            ),
        })
        .boxed()
    }
}

fn is_document_notification(method: &str) -> bool {
    Op::for_method(method, serde_json::Value::Null).is_some()
}
