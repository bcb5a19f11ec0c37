//! pyguide: a language server and CLI that teaches senior-level Python and
//! Django practice. See ARCHITECTURE.md for the map of the crate.

pub mod cli;
pub mod code_search;
pub mod detect;
pub mod files;
pub mod guide;
pub mod practice;
pub mod project;
pub mod python;
pub mod search;
pub mod server;
pub mod text;
