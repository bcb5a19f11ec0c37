--- The pyguide language server for Neovim 0.11+ (`:help lsp-config`).
--- With this folder's parent (editors/neovim) on 'runtimepath' (any plugin
--- manager does that), one line starts it for Python buffers:
---
---   vim.lsp.enable("pyguide")
---
--- Override any field with vim.lsp.config("pyguide", { ... }), e.g.
--- `cmd = { "/path/to/pyguide", "serve" }` or
--- `settings = { pyguide = { hints = true, ignore = { "PG4" } } }`.
--- `pyguide` must be on PATH (`pip install pyguide`, `uv tool install pyguide`
--- or `cargo install --locked --path .` in a checkout).
---@type vim.lsp.Config
return {
  cmd = { "pyguide", "serve" },
  filetypes = { "python" },
  -- The project root: the nearest folder upwards holding one of these.
  root_markers = { "pyproject.toml", "setup.py", "setup.cfg", "manage.py", ".git" },
  -- Sent with workspace/didChangeConfiguration after initialize (the
  -- server also reads [tool.pyguide] from the root's pyproject.toml):
  -- rule code prefixes to select / ignore, hints as diagnostics, extra
  -- guide folders. The README's settings table documents each.
  settings = {
    pyguide = { select = {}, ignore = {}, hints = false, guide = {} },
  },
}
