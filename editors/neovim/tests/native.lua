-- Headless test of Neovim 0.11+'s native way, with no plugin code: only
-- lsp/pyguide.lua on 'runtimepath', `pyguide` on PATH and
--   vim.lsp.enable("pyguide")
-- Run: nvim --headless --clean -u NONE -c "luafile editors/neovim/tests/native.lua"
-- The server binary comes from $PYGUIDE_BIN (default: target/debug/pyguide
-- at the repo root); its folder is put first on PATH. Prints one line per
-- check and `neovim native: N passed, M failed`; exits 1 on the first failure.

local script = debug.getinfo(1, "S").source:sub(2)
local plugin_dir = vim.fn.fnamemodify(script, ":p:h:h")
local repo = vim.fn.fnamemodify(plugin_dir, ":h:h")
local binary = vim.env.PYGUIDE_BIN
if binary == nil or binary == "" then
  binary = repo .. "/target/debug/pyguide"
end
binary = vim.fn.fnamemodify(binary, ":p")

local passed = 0
--- The LSP log's lines (none yet when the file does not exist).
local function lsp_log_path()
  if vim.lsp.log and vim.lsp.log.get_filename then
    return vim.lsp.log.get_filename()
  end
  return vim.lsp.get_log_path()
end

local function lsp_log()
  local path = lsp_log_path()
  return vim.fn.filereadable(path) == 1 and vim.fn.readfile(path) or {}
end

local log_start = #lsp_log()

local function out(line)
  io.stdout:write(line .. "\n")
end

local function check(name, ok, detail)
  if not ok then
    error(string.format("FAIL %s%s", name, detail and (": " .. detail) or ""), 0)
  end
  passed = passed + 1
  out("ok   " .. name)
end

local function wait_for(name, ms, fn)
  local value
  local ok = vim.wait(ms, function()
    value = fn()
    return value ~= nil and value ~= false
  end, 20)
  if not ok then
    error(string.format("FAIL %s: timed out after %d ms", name, ms), 0)
  end
  return value
end

-- The file the user edits (0-based line numbers in the comments).
local APP = {
  "import asyncio", -- 0
  "import cProfile", -- 1
  "",
  "",
  "async def main(urls):", -- 4
  "    return await asyncio.gather(*urls)", -- 5
  "",
  "",
  "def numbers(d):", -- 8
  "    yield 1", -- 9
  "    if 1 in d.keys():", -- 10
  "        pass",
  "",
  "",
  "def check(value):", -- 14
  '    if value is "ready":', -- 15
  "        return True",
  "    return value == None", -- 17
  "",
  "",
  "def quiet(value):", -- 20
  '    return value is "x"  # pyguide: ignore[PG401]', -- 21
}

local function run()
  local v = vim.version()
  out(string.format("nvim %d.%d.%d (native vim.lsp.enable), server %s", v.major, v.minor, v.patch, binary))
  check("Neovim 0.11+", vim.fn.has("nvim-0.11") == 1)
  check("server binary exists", vim.fn.executable(binary) == 1, binary)
  check("the binary is named pyguide", vim.fn.fnamemodify(binary, ":t") == "pyguide", binary)

  vim.env.PATH = vim.fn.fnamemodify(binary, ":h") .. ":" .. vim.env.PATH
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd("filetype on")
  check("lsp/pyguide.lua is on the runtimepath", #vim.api.nvim_get_runtime_file("lsp/pyguide.lua", false) == 1)

  local project = vim.fn.tempname()
  vim.fn.mkdir(project .. "/pkg", "p")
  vim.fn.writefile({ "[project]", 'name = "app"' }, project .. "/pyproject.toml")
  vim.fn.writefile(APP, project .. "/pkg/app.py")

  -- Everything the user writes.
  vim.lsp.enable("pyguide")

  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/pkg/app.py"))
  local bufnr = vim.api.nvim_get_current_buf()
  local client = wait_for("client attaches", 5000, function()
    for _, c in ipairs(vim.lsp.get_clients({ bufnr = bufnr, name = "pyguide" })) do
      if c.initialized then
        return c
      end
    end
  end)
  check("client started from lsp/pyguide.lua", client.config.cmd[1] == "pyguide", vim.inspect(client.config.cmd))
  check("root from root_markers (pyproject.toml)", client.config.root_dir == project, tostring(client.config.root_dir))

  local diagnostics = wait_for("diagnostics", 5000, function()
    local found = vim.diagnostic.get(bufnr)
    return #found > 0 and found or nil
  end)
  local codes = {}
  for _, d in ipairs(diagnostics) do
    table.insert(codes, string.format("%s@%d", d.code, d.lnum))
  end
  table.sort(codes)
  -- Hints are off (settings from lsp/pyguide.lua); line 21's PG401 is ignored.
  check("diagnostics PG401@15 PG402@17", table.concat(codes, " ") == "PG401@15 PG402@17", table.concat(codes, " "))

  local function hover(line, character)
    local response = client:request_sync("textDocument/hover", {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = { line = line, character = character },
    }, 3000, bufnr)
    return response and response.result and response.result.contents.value or ""
  end

  -- K, as the user presses it: the hover float.
  vim.api.nvim_win_set_cursor(0, { 6, 25 })
  vim.lsp.buf.hover()
  local float_text = wait_for("K opens a hover float", 5000, function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= "" then
        local lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
        local text = table.concat(lines, "\n")
        if text:find("gather", 1, true) then
          return text
        end
      end
    end
  end)
  out("     float: " .. (float_text:gsub("\n.*", "")))
  check("the float says how to open the topic", float_text:find(":PyGuide topic asyncio-gather", 1, true) ~= nil, float_text)
  check("the float has no dead command: link", float_text:find("command:", 1, true) == nil, float_text)
  vim.cmd("fclose!")

  check("hover on `yield` shows the generators topic", hover(9, 5):find("generators-vs-iterators", 1, true) ~= nil, hover(9, 5))
  check("hover on `import cProfile` shows profiling", hover(1, 9):find(":PyGuide topic profiling", 1, true) ~= nil, hover(1, 9))
  local code_hover = hover(21, 44)
  check("hover on PG401 in an ignore comment shows the rule", code_hover:find("### PG401", 1, true) == 1, code_hover)

  local function actions_at(line, character)
    local response = client:request_sync("textDocument/codeAction", {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = { start = { line = line, character = character }, ["end"] = { line = line, character = character } },
      context = { diagnostics = {} },
    }, 3000, bufnr)
    return response and response.result or {}
  end
  local function titled(actions, title)
    for _, action in ipairs(actions) do
      if action.title == title then
        return action
      end
    end
  end
  local function titles(actions)
    return vim.inspect(vim.tbl_map(function(a)
      return a.title
    end, actions))
  end

  -- A hint's fix (PG102, `in d.keys()`) at the cursor, with hints not shown.
  local at_keys = actions_at(10, 14)
  check("hint fix offered at the cursor", titled(at_keys, "Remove `.keys()`") ~= nil, titles(at_keys))
  local eq_none = actions_at(17, 18)
  check("`== None` fix names what it does", titled(eq_none, "Replace `== None` with `is None`") ~= nil, titles(eq_none))

  local ignore = titled(actions_at(15, 10), "Ignore PG401 on this line")
  check("'Ignore PG401 on this line' offered", ignore ~= nil)
  vim.lsp.util.apply_workspace_edit(ignore.edit, client.offset_encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, 15, 16, false)[1]
  check("the ignore comment was added", line == '    if value is "ready":  # pyguide: ignore[PG401]', line)
  wait_for("PG401 is gone after ignoring it", 5000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == "PG401" then
        return nil
      end
    end
    return true
  end)
  check("the diagnostic went with the comment", true)

  out(string.format("neovim native: %d passed, 0 failed", passed))
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  out(tostring(err))
  local log = lsp_log()
  if #log > log_start then
    out("---- this run's lines of " .. lsp_log_path())
    for i = math.max(log_start + 1, #log - 15), #log do
      out(log[i])
    end
  end
  out(string.format("neovim native: %d passed, 1 failed", passed))
  io.stdout:flush()
  vim.cmd("cquit! 1")
else
  io.stdout:flush()
  vim.cmd("qall!")
end
