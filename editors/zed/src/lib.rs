//! Zed extension for pyguide: starts `pyguide serve` for Python files.
//! The binary is `lsp.pyguide.binary.path` from Zed's settings, else
//! `pyguide` on the worktree's PATH; `lsp.pyguide.initialization_options`
//! and `lsp.pyguide.settings` (select, ignore, hints, guide) reach the server.

use zed_extension_api::{
    self as zed, serde_json::Value, settings::LspSettings, LanguageServerId, Result,
};

const BINARY: &str = "pyguide";

struct PyGuideExtension;

impl PyGuideExtension {
    fn settings(id: &LanguageServerId, worktree: &zed::Worktree) -> Option<LspSettings> {
        LspSettings::for_worktree(id.as_ref(), worktree).ok()
    }
}

impl zed::Extension for PyGuideExtension {
    fn new() -> Self {
        PyGuideExtension
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = Self::settings(id, worktree).and_then(|s| s.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let args = binary
            .as_ref()
            .and_then(|b| b.arguments.clone())
            .unwrap_or_else(|| vec!["serve".to_string()]);
        let command = configured.or_else(|| worktree.which(BINARY)).ok_or_else(|| {
            "pyguide is not on PATH. Install it with `cargo install --locked --path .` in a pyguide checkout, \
             or set lsp.pyguide.binary.path in Zed's settings."
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<Value>> {
        Ok(Self::settings(id, worktree).and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<Value>> {
        Ok(Self::settings(id, worktree)
            .and_then(|s| s.settings)
            .map(|settings| zed::serde_json::json!({ "pyguide": settings })))
    }
}

zed::register_extension!(PyGuideExtension);
