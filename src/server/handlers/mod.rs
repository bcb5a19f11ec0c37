//! One file per LSP request or notification family. Handlers take the
//! shared state and the request's parameters and return LSP types; the
//! synchronous part of each runs under `Shared::guarded`, so a panic is
//! answered with an internal error instead of taking the server down.

pub mod code_action;
pub mod configuration;
pub mod diagnostics;
pub mod execute_command;
pub mod hover;
pub mod ignore_line;
pub mod lifecycle;
pub mod search_selection;
pub mod symbol;
pub mod text_sync;
pub mod topic;
pub mod watched_files;
