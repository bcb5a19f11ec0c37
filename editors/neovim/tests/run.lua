-- Headless end-to-end test of the plugin against the real `pyguide serve`:
--   nvim --headless --clean -u NONE -c "luafile editors/neovim/tests/run.lua"
-- The server binary comes from $PYGUIDE_BIN (default: target/debug/pyguide
-- at the repo root). Prints one line per check; exits 1 on the first failure.

local script = debug.getinfo(1, "S").source:sub(2)
local plugin_dir = vim.fn.fnamemodify(script, ":p:h:h")
local repo = vim.fn.fnamemodify(plugin_dir, ":h:h")
local binary = vim.env.PYGUIDE_BIN
if binary == nil or binary == "" then
  binary = repo .. "/target/debug/pyguide"
end
binary = vim.fn.fnamemodify(binary, ":p")

local passed = 0
local pyguide
local practice_data
local practice_float
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

-- Only this run's part of the (shared) LSP log is printed on failure.
local log_start = #lsp_log()

local function out(line)
  io.stdout:write(line .. "\n")
end

local function finish(code)
  io.stdout:flush()
  vim.cmd((code == 0 and "qall!" or "cquit! " .. code))
end

local function check(name, ok, detail)
  if not ok then
    error(string.format("FAIL %s%s", name, detail and (": " .. detail) or ""), 0)
  end
  passed = passed + 1
  out("ok   " .. name)
end

--- Waits for `fn()` to return a truthy value; fails `name` after `ms`.
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

--- The clients attached to a buffer, on any Neovim version.
local function clients_of(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.lsp.buf_get_clients(bufnr)
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

--- The buffer of the window showing topic `id`, if any.
local function topic_window_buffer(id)
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local bufnr = vim.api.nvim_win_get_buf(win)
    if vim.api.nvim_buf_get_name(bufnr) == "pyguide://" .. id then
      return bufnr
    end
  end
end

local function close_topic_windows()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_buf_get_name(vim.api.nvim_win_get_buf(win)):find("^pyguide://") then
      vim.api.nvim_win_close(win, true)
    end
  end
end

--- The practice window's buffer text.
local function practice_text()
  local state = pyguide.practice_state
  if not (state.buf and vim.api.nvim_buf_is_valid(state.buf)) then
    return ""
  end
  return buffer_text(state.buf)
end

local function wait_phase(name, phases)
  return wait_for(name, 10000, function()
    local phase = pyguide.practice_state.phase
    return vim.tbl_contains(phases, phase) and phase or nil
  end)
end

--- `:PyGuide practice` in a floating window, driven by its keys as a user
--- would press them: the cards of asyncio-gather (the model topic: its
--- interview question and its gradable cards) until a question card and a
--- gradable one have been answered; then the due count; then `q`.
practice_float = function(client)
  vim.cmd("PyGuide practice topic asyncio-gather")
  local state = pyguide.practice_state
  wait_phase(":PyGuide practice shows a card", { "asking" })
  local win = state.win
  local config = vim.api.nvim_win_get_config(win)
  check("practice: a floating window with a border", config.relative == "editor" and vim.api.nvim_get_current_win() == win, vim.inspect(config))
  if vim.fn.has("nvim-0.9") == 1 then
    local title = type(config.title) == "table" and config.title[1][1] or tostring(config.title)
    check("practice: the title names the topic", title:find(state.card.topicTitle, 1, true) ~= nil, vim.inspect(config.title))
  else
    local first = vim.api.nvim_buf_get_lines(state.buf, 0, 1, false)[1]
    check("practice: the first line names the topic (no float titles before 0.9)", first:find(state.card.topicTitle, 1, true) == 1, first)
  end
  local kinds = {}
  local answered = {}
  for _ = 1, 8 do
    local card = state.card
    check("practice: card " .. card.id .. " belongs to the topic asked for", card.topic == "asyncio-gather", card.id)
    local shown = practice_text()
    check("practice: the float shows the prompt", shown:find(vim.split(card.prompt, " ")[1], 1, true) ~= nil, shown)
    out("     card (" .. card.kind .. "):")
    for _, line in ipairs(vim.split(shown, "\n")) do
      out("     | " .. line)
    end
    if card.kind == "question" then
      pyguide.practice_key("<Space>")
      check("practice: <Space> reveals the key points", state.phase == "revealed" and practice_text():find("A good answer names", 1, true) ~= nil, practice_text())
      pyguide.practice_key("3")
    elseif card.kind == "choice" then
      pyguide.practice_key("1")
      check("practice: a number key picks an option", state.choice == 1 and practice_text():find("▸ 1.", 1, true) ~= nil, practice_text())
      pyguide.practice_key("<CR>")
    elseif card.kind == "spot" then
      pyguide.practice_key("1")
      check("practice: typing a line number picks the line", state.line == 1, tostring(state.line))
      pyguide.practice_key("<CR>")
    elseif card.kind == "output" then
      vim.ui.input = function(_, on_confirm)
        on_confirm("None")
      end
      pyguide.practice_key("<CR>")
    end
    wait_phase("practice: the answer is graded", { "result" })
    local result = practice_text()
    out("     result:")
    for _, line in ipairs(vim.split(result, "\n")) do
      out("     | " .. line)
    end
    check("practice: the result says the grade and when the card comes back", result:find("Graded %a+; back in %d+ %a+ %(20%d%d%-") ~= nil, result)
    kinds[card.kind] = true
    answered[card.id] = true
    if kinds.question and (kinds.choice or kinds.spot or kinds.output) then
      break
    end
    pyguide.practice_key("n")
    local phase = wait_phase("practice: n asks for the next card", { "asking", "empty" })
    if phase == "empty" then
      break
    end
    check("practice: n shows another card", not answered[state.card.id], state.card.id)
  end
  local now = os.time()
  check("practice: due_in counts days", pyguide.due_in(os.date("!%Y-%m-%dT%H:%M:%SZ", now + 3 * 86400), now):find("^in 3 days %(") ~= nil, pyguide.due_in(os.date("!%Y-%m-%dT%H:%M:%SZ", now + 3 * 86400), now))
  check("practice: due_in counts minutes", pyguide.due_in(os.date("!%Y-%m-%dT%H:%M:%SZ", now + 600), now):find("^in 10 minutes") ~= nil)
  check("practice: a question card and a gradable card were answered", kinds.question and (kinds.choice or kinds.spot or kinds.output), vim.inspect(kinds))
  local status = pyguide.request_sync(client, "pyguide/practice/status", {}, 3000)
  check("practice: status answers with the counts", status and status.result and status.result.enabled == true and type(status.result.due) == "number", vim.inspect(status))
  pyguide.practice_key("q")
  check("practice: q closes the float", not vim.api.nvim_win_is_valid(win))
  check("practice: the progress is in the scratch database", vim.fn.filereadable(practice_data .. "/practice.sqlite3") == 1, practice_data)
end

local function run()
  local v = vim.version()
  out(string.format("nvim %d.%d.%d, server %s", v.major, v.minor, v.patch, binary))
  check("server binary exists", vim.fn.executable(binary) == 1, binary .. " (build it: cargo build --locked)")

  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd("filetype on")
  vim.cmd("runtime plugin/pyguide.lua")
  check(":PyGuide is defined", vim.fn.exists(":PyGuide") == 2)

  -- A project of its own, so the fix edits a copy and the root is known.
  local project = vim.fn.tempname()
  vim.fn.mkdir(project, "p")
  vim.fn.writefile({ "[project]", 'name = "sample"' }, project .. "/pyproject.toml")
  local fixture = repo .. "/editors/testdata/sample.py"
  vim.fn.writefile(vim.fn.readfile(fixture), project .. "/sample.py")

  -- The server's practice database: a scratch one (the server inherits the variable).
  practice_data = vim.fn.tempname()
  vim.env.PYGUIDE_DATA_DIR = practice_data

  pyguide = require("pyguide")
  pyguide.setup({ cmd = { binary, "serve" } })
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/sample.py"))
  local bufnr = vim.api.nvim_get_current_buf()
  check("fixture is a python buffer", vim.bo[bufnr].filetype == "python", vim.bo[bufnr].filetype)

  local client = wait_for("client attaches", 5000, function()
    for _, c in ipairs(clients_of(bufnr)) do
      if c.name == "pyguide" and c.initialized then
        return c
      end
    end
  end)
  check("client attached and initialized", client ~= nil)
  check("root is the project folder", client.config.root_dir == project, tostring(client.config.root_dir))
  if vim.fn.has("nvim-0.11") == 1 then
    -- setup() went through vim.lsp.config + vim.lsp.enable and lsp/pyguide.lua.
    check("0.11+: the native client (vim.lsp.enable)", vim.lsp.config.pyguide ~= nil and client.config.root_markers ~= nil, vim.inspect(client.config.root_markers))
  end

  -- A second Python file in the same project reuses the client.
  vim.fn.writefile({ "x = 1" }, project .. "/other.py")
  vim.cmd("edit " .. vim.fn.fnameescape(project .. "/other.py"))
  local other = vim.api.nvim_get_current_buf()
  wait_for("second buffer attaches", 3000, function()
    return #clients_of(other) > 0
  end)
  local ids = {}
  for _, c in pairs(clients_of(other)) do
    table.insert(ids, c.id)
  end
  check("one client per root", #ids == 1 and ids[1] == client.id, vim.inspect(ids))
  vim.cmd("buffer " .. bufnr)

  -- Diagnostics: the fixture's three warnings, hints off by default.
  local diagnostics = wait_for("diagnostics", 5000, function()
    local found = vim.diagnostic.get(bufnr)
    return #found > 0 and found or nil
  end)
  local codes = {}
  for _, d in ipairs(diagnostics) do
    if d.source ~= "pyguide" then
      check("diagnostic source is pyguide", false, vim.inspect(d))
    end
    table.insert(codes, tostring(d.code))
  end
  check("diagnostic source is pyguide", true)
  table.sort(codes)
  check("diagnostics PG206 PG401 PG402", table.concat(codes, " ") == "PG206 PG401 PG402", table.concat(codes, " "))

  -- Hover on asyncio.gather (line 7).
  local gather_line = 6
  local gather_col = vim.api.nvim_buf_get_lines(bufnr, gather_line, gather_line + 1, false)[1]:find("gather") + 1
  local hover = pyguide.request_sync(client, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = gather_line, character = gather_col },
  }, 3000, bufnr)
  check("hover answered", hover and hover.result, vim.inspect(hover))
  local hover_text = hover.result.contents.value or vim.inspect(hover.result.contents)
  out("     hover: " .. (hover_text:gsub("\n.*", "")))
  check("hover names gather", hover_text:find("gather", 1, true) ~= nil, hover_text)
  -- Neovim cannot follow `command:` links: the server names the command to type.
  check("hover says how to open the topic", hover_text:find(":PyGuide topic asyncio-gather", 1, true) ~= nil, hover_text)
  check("hover has no dead command: link", hover_text:find("command:", 1, true) == nil, hover_text)
  local import = pyguide.request_sync(client, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 0, character = 9 },
  }, 3000, bufnr)
  local import_text = import and import.result and import.result.contents.value or ""
  check("hover on `import asyncio` shows an asyncio topic", import_text:find(":PyGuide topic asyncio", 1, true) ~= nil, vim.inspect(import))
  local nothing = pyguide.request_sync(client, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 2, character = 0 },
  }, 3000, bufnr)
  check("no hover on a blank line", nothing and nothing.result == nil, vim.inspect(nothing))

  -- Quick fix for `value is "ready"` through a codeAction request.
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == "PG401" then
      target = d
    end
  end
  -- Back to LSP shape, as vim.lsp.buf.code_action() sends it: the position
  -- fields, and `data` (the fix) from user_data.lsp.
  local lsp_diagnostic = vim.tbl_extend("force", target.user_data and target.user_data.lsp or {}, {
    range = {
      start = { line = target.lnum, character = target.col },
      ["end"] = { line = target.end_lnum, character = target.end_col },
    },
    severity = target.severity,
    code = target.code,
    source = target.source,
    message = target.message,
  })
  local actions = pyguide.request_sync(client, "textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic } },
  }, 3000, bufnr)
  check("code actions answered", actions and type(actions.result) == "table", vim.inspect(actions))
  local fix
  for _, action in ipairs(actions.result) do
    if action.kind == "quickfix" and action.edit then
      fix = fix or action
    end
  end
  check("a quick fix is offered", fix ~= nil, vim.inspect(actions.result))
  out("     fix: " .. fix.title)
  vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)
  local fixed_line = vim.api.nvim_buf_get_lines(bufnr, 10, 11, false)[1]
  check("the fix rewrote the line", fixed_line == '    if value == "ready":', fixed_line)
  wait_for("PG401 is gone after the fix", 5000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == "PG401" then
        return nil
      end
    end
    return true
  end)
  check("diagnostics follow the edit", true)

  -- :PyGuide explain on gather opens its topic (via the Explain code action).
  vim.api.nvim_win_set_cursor(0, { gather_line + 1, gather_col })
  vim.cmd("PyGuide explain")
  local explained = wait_for(":PyGuide explain opens the topic", 20000, function()
    return topic_window_buffer("asyncio-gather")
  end)
  check("topic buffer is markdown", vim.bo[explained].filetype == "markdown")
  check("topic buffer is a scratch buffer", vim.bo[explained].buftype == "nofile" and not vim.bo[explained].modifiable)
  check("topic buffer holds the topic", buffer_text(explained):find("gather", 1, true) ~= nil)
  close_topic_windows()
  -- On `return` of the same line: no construct under the cursor, so the
  -- constructs of the line are explained.
  vim.api.nvim_win_set_cursor(0, { gather_line + 1, 4 })
  vim.cmd("PyGuide explain")
  wait_for(":PyGuide explain falls back to the line", 5000, function()
    return topic_window_buffer("asyncio-gather")
  end)
  check(":PyGuide explain off the construct explains the line's", true)
  close_topic_windows()

  -- :PyGuide search with vim.ui.select stubbed: the items, then the choice opens.
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = { items = items, opts = opts }
    on_choice(items[1], 1)
  end
  vim.cmd("PyGuide search select_related")
  -- The first search builds the search index (slow for a debug binary on a
  -- busy machine): a generous wait, not a time limit.
  wait_for(":PyGuide search calls vim.ui.select", 20000, function()
    return offered
  end)
  check("search offers hits", #offered.items > 0)
  check("best hit is select_related vs prefetch_related", offered.items[1].id == "select-related-vs-prefetch-related", vim.inspect(offered.items[1]))
  local line = offered.opts.format_item(offered.items[1])
  out("     item: " .. line)
  check("items show title and module", line:find("select_related vs prefetch_related [django-architecture]", 1, true) == 1, line)
  check("items hide match markers", line:find("**", 1, true) == nil, line)
  local chosen = wait_for("the chosen topic opens", 5000, function()
    return topic_window_buffer("select-related-vs-prefetch-related")
  end)
  check("chosen topic shown", buffer_text(chosen):find("prefetch_related", 1, true) ~= nil)
  close_topic_windows()

  -- :PyGuide search with no query prompts with vim.ui.input.
  offered = nil
  local prompted
  vim.ui.input = function(opts, on_confirm)
    prompted = opts.prompt
    on_confirm("diamond problem")
  end
  vim.cmd("PyGuide search")
  wait_for(":PyGuide search prompts, then selects", 5000, function()
    return offered
  end)
  check("prompted for a query", prompted ~= nil and prompted:find("PyGuide") ~= nil, tostring(prompted))
  check("prompted query searched", offered.items[1].id == "mro-c3-linearization", vim.inspect(offered.items[1]))
  close_topic_windows()

  -- :'<,'>PyGuide search: the topics of the selected code's constructs first.
  vim.api.nvim_set_current_buf(bufnr)
  local function search_selection(keys, name)
    offered = nil
    vim.cmd("normal! " .. keys .. "\27")
    vim.cmd("'<,'>PyGuide search")
    wait_for(name .. " calls vim.ui.select", 5000, function()
      return offered
    end)
    for i = 1, math.min(4, #offered.items) do
      out("     item: " .. offered.opts.format_item(offered.items[i]))
    end
    close_topic_windows()
    vim.api.nvim_set_current_buf(bufnr)
    return offered.items
  end
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local sleep_line
  for i, l in ipairs(lines) do
    if l:find("time.sleep(1)", 1, true) then
      sleep_line = i
    end
  end
  local items = search_selection(sleep_line .. "GVj", "linewise selection")
  check("selection: blocking call first", items[1].id == "asyncio-event-loop" and items[1].code == "PG206", vim.inspect(items[1]))
  check("selection: then gather", items[2].id == "asyncio-gather" and items[2].code == "PG201", vim.inspect(items[2]))
  check("selection: text hits follow", items[#items].code == nil, vim.inspect(items[#items]))
  items = search_selection(sleep_line .. "G^v$", "charwise selection")
  check("charwise selection: only its construct", items[1].code == "PG206" and (items[2] == nil or items[2].code == nil), vim.inspect(items[2]))
  -- The server's code action runs the same search through the plugin.
  offered = nil
  vim.lsp.commands["pyguide.searchSelection"]({ title = "Search", command = "pyguide.searchSelection", arguments = {
    { uri = vim.uri_from_bufnr(bufnr), range = { start = { line = sleep_line - 1, character = 4 }, ["end"] = { line = sleep_line - 1, character = 17 } }, show = true },
  } }, { bufnr = bufnr })
  wait_for("pyguide.searchSelection handled in Neovim", 5000, function()
    return offered
  end)
  check("code action search lists the construct", offered.items[1].code == "PG206", vim.inspect(offered.items[1]))
  close_topic_windows()
  vim.api.nvim_set_current_buf(bufnr)

  -- :PyGuide topic ID
  vim.cmd("PyGuide topic is-vs-equality")
  local topic = wait_for(":PyGuide topic opens", 5000, function()
    return topic_window_buffer("is-vs-equality")
  end)
  check(":PyGuide topic shows the Markdown", buffer_text(topic):find("==", 1, true) ~= nil)
  close_topic_windows()

  -- The server's own openTopic command (Explain code actions) renders here.
  vim.lsp.commands["pyguide.openTopic"]({ title = "Explain", command = "pyguide.openTopic", arguments = { "asyncio-gather" } }, {})
  wait_for("pyguide.openTopic handled in Neovim", 5000, function()
    return topic_window_buffer("asyncio-gather")
  end)
  check("pyguide.openTopic command renders the topic", true)
  close_topic_windows()

  -- Settings reach the server without a restart: hints on (PG201 on
  -- gather appears), PG4 ignored (PG402 on `== None` goes).
  pyguide.set_settings({ hints = true, ignore = { "PG4" } })
  wait_for("diagnostics after set_settings", 5000, function()
    local has_hint, has_pg4 = false, false
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == "PG201" and d.severity == vim.diagnostic.severity.HINT then
        has_hint = true
      end
      if tostring(d.code):find("^PG4") then
        has_pg4 = true
      end
    end
    return has_hint and not has_pg4
  end)
  check("set_settings: hint PG201 shown, PG4 ignored", true)

  -- Completion of :PyGuide subcommands and topic ids.
  check("subcommand completion", vim.deep_equal(pyguide.complete("se", "PyGuide se"), { "search" }))
  local completed = pyguide.complete("asyncio-ga", "PyGuide topic asyncio-ga")
  check("topic id completion", vim.tbl_contains(completed, "asyncio-gather"), vim.inspect(completed))

  practice_float(client)

  out(string.format("neovim: %d passed, 0 failed", passed))
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  out(tostring(err))
  -- The server's stderr and the client's errors end up in the LSP log.
  local log = lsp_log()
  if #log > log_start then
    out("---- this run's lines of " .. lsp_log_path())
    for i = math.max(log_start + 1, #log - 15), #log do
      out(log[i])
    end
  end
  out(string.format("neovim: %d passed, 1 failed", passed))
  finish(1)
else
  finish(0)
end
