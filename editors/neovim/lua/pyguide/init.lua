--- pyguide.nvim: starts `pyguide serve` for Python buffers (one client per
--- project root) and adds what plain LSP does not give: `:PyGuide search`,
--- `:PyGuide topic`, `:PyGuide explain`, topics rendered in a scratch
--- Markdown window, `:PyGuide practice` (spaced-repetition cards in a
--- floating window), and a Telescope picker when Telescope is installed.
--- On Neovim 0.11+ the client is the native one: lsp/pyguide.lua (the
--- vim.lsp.Config beside this plugin) with setup()'s options laid over it
--- by vim.lsp.config, started by vim.lsp.enable. Before 0.11 it uses
--- vim.lsp.start (0.8+) or vim.lsp.start_client + buf_attach_client (0.7).

local M = {}

local SEARCH_COMMAND = "pyguide.search"
local SEARCH_SELECTION_COMMAND = "pyguide.searchSelection"
local OPEN_TOPIC_COMMAND = "pyguide.openTopic"
local TOPIC_REQUEST = "pyguide/topic"
local PRACTICE_NEXT = "pyguide/practice/next"
local PRACTICE_ANSWER = "pyguide/practice/answer"
local PRACTICE_STATUS = "pyguide/practice/status"
local CLIENT_NAME = "pyguide"

local defaults = {
  -- The server command; `pyguide` must be on PATH, or give a full path.
  cmd = { "pyguide", "serve" },
  filetypes = { "python" },
  -- The first folder upwards holding one of these is the project root.
  root_markers = { "pyproject.toml", "setup.py", "setup.cfg", "manage.py", ".git" },
  -- The server's configuration: code prefixes to select / ignore, hints as
  -- diagnostics, extra guide folders, practice (recording what your code
  -- raises, on this machine only, and the practice requests).
  settings = { select = {}, ignore = {}, hints = false, guide = {}, practice = true },
  -- How `:PyGuide topic` shows a topic: "split", "vsplit", "tab" or "float".
  topic_window = "split",
  -- Passed on to the client.
  on_attach = nil,
  capabilities = nil,
  -- Use the Telescope picker for `:PyGuide search` when Telescope is installed.
  telescope = true,
}

M.config = vim.deepcopy(defaults)

--- Per-root client ids on Neovim 0.7, where vim.lsp.start does not exist.
local clients_by_root = {}

local has_011 = vim.fn.has("nvim-0.11") == 1

local function notify(message, level)
  vim.notify("pyguide: " .. message, level or vim.log.levels.INFO)
end

--- `client:request` on 0.11+, `client.request` before (the colon form is
--- required from 0.11 on and wrong before).
local function request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Synchronous request (returns `{ err, result }` or nil), for callers that
--- must answer at once (completion, the Telescope finder).
function M.request_sync(client, method, params, timeout, bufnr)
  if has_011 then
    return client:request_sync(method, params, timeout, bufnr)
  end
  return client.request_sync(method, params, timeout, bufnr)
end

local function notify_server(client, method, params)
  if has_011 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function is_stopped(client)
  if has_011 then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function active_clients()
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ name = CLIENT_NAME }) or vim.lsp.get_active_clients()
  local found = {}
  for _, client in ipairs(all) do
    if client.name == CLIENT_NAME and not is_stopped(client) then
      table.insert(found, client)
    end
  end
  return found
end

--- Merges user options over the defaults: tables like `cmd` are replaced
--- whole (never merged index by index), `settings` key by key.
local function merge_config(opts)
  local config = vim.deepcopy(defaults)
  for key, value in pairs(opts or {}) do
    if key == "settings" then
      config.settings = vim.tbl_extend("force", config.settings, value)
    else
      config[key] = value
    end
  end
  return config
end

--- The project root for a file: the nearest folder upwards with a root
--- marker, else the file's folder.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local start = dir
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if (vim.uv or vim.loop).fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

local function client_config(root)
  local config = M.config
  return {
    name = CLIENT_NAME,
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = vim.deepcopy(config.settings),
    -- Sent with workspace/didChangeConfiguration after initialize, and what
    -- workspace/configuration answers for the `pyguide` section.
    settings = { pyguide = vim.deepcopy(config.settings) },
    capabilities = config.capabilities,
    on_attach = config.on_attach,
  }
end

local function executable_or_warn()
  local program = M.config.cmd[1]
  if vim.fn.executable(program) == 1 then
    return true
  end
  notify(
    string.format(
      "cannot run %q. Install it (pip install pyguide, or pip install . in a pyguide checkout) or pass "
        .. "cmd = { '/path/to/pyguide', 'serve' } to require('pyguide').setup().",
      program
    ),
    vim.log.levels.ERROR
  )
  return false
end

--- setup()'s options as a vim.lsp.Config, laid over lsp/pyguide.lua by
--- vim.lsp.config on 0.11+.
local function native_config()
  local config = M.config
  return {
    cmd = config.cmd,
    filetypes = config.filetypes,
    root_markers = config.root_markers,
    init_options = vim.deepcopy(config.settings),
    settings = { pyguide = vim.deepcopy(config.settings) },
    capabilities = config.capabilities,
    on_attach = config.on_attach,
  }
end

--- Starts (or reuses) the client for `root` and attaches `bufnr` when given.
--- Returns the client id, or nil when the server cannot start.
local function start_for_root(root, bufnr)
  local config = client_config(root)
  if vim.lsp.start and bufnr then
    -- Reuses a client with the same name and root_dir.
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local existing = id and vim.lsp.get_client_by_id(id)
  if not existing or is_stopped(existing) then
    if has_011 then
      id = vim.lsp.start(config, { attach = false })
    else
      id = vim.lsp.start_client(config)
    end
    clients_by_root[root] = id
  end
  if id and bufnr then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Attaches the pyguide client for its project to a buffer.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = M.find_root(name ~= "" and name or vim.fn.getcwd() .. "/x", M.config.root_markers)
  return start_for_root(root, bufnr)
end

--- A running pyguide client: the one on the current buffer, else any, else
--- a new one for the working directory (so search works from any buffer).
--- Waits up to two seconds for it to finish initializing.
function M.client()
  local current = vim.api.nvim_get_current_buf()
  local candidates = active_clients()
  local chosen
  for _, client in ipairs(candidates) do
    if client.attached_buffers and client.attached_buffers[current] then
      chosen = client
    end
  end
  chosen = chosen or candidates[1]
  if not chosen then
    if not executable_or_warn() then
      return nil
    end
    local id = start_for_root(M.find_root(vim.fn.getcwd() .. "/x", M.config.root_markers), nil)
    chosen = id and vim.lsp.get_client_by_id(id)
  end
  if not chosen then
    notify("the server did not start; see :LspInfo and :lua vim.cmd('e ' .. vim.lsp.get_log_path())", vim.log.levels.ERROR)
    return nil
  end
  if not chosen.initialized then
    vim.wait(2000, function()
      return chosen.initialized == true or is_stopped(chosen)
    end, 10)
  end
  if not chosen.initialized then
    notify("the server is not ready; see the LSP log (:lua print(vim.lsp.get_log_path()))", vim.log.levels.ERROR)
    return nil
  end
  return chosen
end

--- Changes the server configuration (select, ignore, hints, guide) on every
--- running client, without a restart.
function M.set_settings(settings)
  M.config.settings = vim.tbl_extend("force", M.config.settings, settings or {})
  if has_011 and vim.lsp.config[CLIENT_NAME] then
    -- Clients started later (another project root) get them too.
    vim.lsp.config(CLIENT_NAME, { init_options = vim.deepcopy(M.config.settings), settings = { pyguide = vim.deepcopy(M.config.settings) } })
  end
  for _, client in ipairs(active_clients()) do
    client.config.settings = { pyguide = vim.deepcopy(M.config.settings) }
    notify_server(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
  end
end

-- ------------------------------------------------------------------ topics

local function topic_buffer_name(id)
  return "pyguide://" .. id
end

--- Shows Markdown in a scratch buffer: reuses a window already showing the
--- same topic, else opens one as `config.topic_window` says.
local function show_markdown(id, markdown)
  local name = topic_buffer_name(id)
  local bufnr = -1
  for _, candidate in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_valid(candidate) and vim.api.nvim_buf_get_name(candidate) == name then
      bufnr = candidate
    end
  end
  if bufnr == -1 then
    bufnr = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(bufnr, name)
  end
  vim.bo[bufnr].modifiable = true
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(markdown, "\n", { plain = true }))
  vim.bo[bufnr].modifiable = false
  vim.bo[bufnr].buftype = "nofile"
  vim.bo[bufnr].bufhidden = "wipe"
  vim.bo[bufnr].swapfile = false
  vim.bo[bufnr].filetype = "markdown"
  vim.api.nvim_buf_set_keymap(bufnr, "n", "q", "<cmd>close<cr>", { noremap = true, silent = true, nowait = true })

  local shown = vim.fn.bufwinid(bufnr)
  if shown ~= -1 then
    vim.api.nvim_set_current_win(shown)
    return bufnr
  end
  local layout = M.config.topic_window
  if layout == "float" then
    local width = math.min(100, math.floor(vim.o.columns * 0.8))
    local height = math.min(#vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), math.floor(vim.o.lines * 0.8))
    vim.api.nvim_open_win(bufnr, true, {
      relative = "editor",
      width = width,
      height = math.max(height, 1),
      row = math.floor((vim.o.lines - height) / 2),
      col = math.floor((vim.o.columns - width) / 2),
      border = "rounded",
      style = "minimal",
    })
  else
    vim.cmd(layout == "vsplit" and "vsplit" or layout == "tab" and "tabnew" or "split")
    vim.api.nvim_win_set_buf(0, bufnr)
  end
  vim.wo.wrap = true
  vim.wo.linebreak = true
  vim.wo.conceallevel = 2
  return bufnr
end

--- Opens a topic by id in a scratch Markdown window (from `pyguide/topic`).
--- An id the server does not know is searched for instead.
function M.open_topic(id)
  if not id or id == "" then
    notify("usage: :PyGuide topic ID", vim.log.levels.WARN)
    return
  end
  local client = M.client()
  if not client then
    return
  end
  request(client, TOPIC_REQUEST, { id = id }, function(err, result)
    if err or type(result) ~= "table" or type(result.markdown) ~= "string" then
      notify(string.format("no topic %q; searching for it", id), vim.log.levels.WARN)
      M.search(id)
      return
    end
    show_markdown(result.id, result.markdown)
  end)
end

-- ------------------------------------------------------------------ search

--- One line per hit for vim.ui.select: title, module, and the snippet without
--- its `**` match markers; "did you mean?" before a suggestion (the snippet
--- of a construct found in the selection starts with its rule code).
function M.format_hit(hit)
  local snippet = (hit.snippet or ""):gsub("%*%*", ""):gsub("%s+", " ")
  if #snippet > 90 then
    snippet = snippet:sub(1, 87) .. "..."
  end
  local prefix = hit.suggestion and "did you mean? " or ""
  return string.format("%s%s [%s] %s", prefix, hit.title, hit.module, snippet)
end

local function pick(hits, query)
  if M.config.telescope then
    local ok, picker = pcall(require, "pyguide.telescope")
    if ok and picker.available() then
      picker.pick(hits, query, M)
      return
    end
  end
  vim.ui.select(hits, {
    prompt = string.format("PyGuide topics for %q", query),
    format_item = M.format_hit,
    kind = "pyguide_topic",
  }, function(hit)
    if hit then
      M.open_topic(hit.id)
    end
  end)
end

--- Searches the guide (`pyguide.search`) and calls `on_hits(hits)`.
function M.query(query, on_hits)
  local client = M.client()
  if not client then
    return
  end
  request(client, "workspace/executeCommand", { command = SEARCH_COMMAND, arguments = { query } }, function(err, hits)
    if err then
      notify("search failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    on_hits(type(hits) == "table" and hits or {})
  end)
end

--- `:PyGuide search [query]`: lists matching topics and opens the chosen one.
--- Without a query, asks for one.
function M.search(query)
  if not query or vim.trim(query) == "" then
    vim.ui.input({ prompt = "PyGuide search: " }, function(input)
      if input and vim.trim(input) ~= "" then
        M.search(input)
      end
    end)
    return
  end
  M.query(query, function(hits)
    if #hits == 0 then
      notify(string.format("no topic matches %q", query), vim.log.levels.WARN)
      return
    end
    pick(hits, query)
  end)
end

--- Searches the guide for `range` (LSP, in the client's offset encoding) of
--- buffer `bufnr` (`pyguide.searchSelection`): the topics of the constructs
--- in the selected code first, then text hits; lists them like :PyGuide search.
function M.search_range(bufnr, range, uri)
  local client = M.client()
  if not client then
    return
  end
  local argument = { uri = uri or vim.uri_from_bufnr(bufnr), range = range, show = false }
  request(client, "workspace/executeCommand", { command = SEARCH_SELECTION_COMMAND, arguments = { argument } }, function(err, hits)
    if err then
      notify("search failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if type(hits) ~= "table" or #hits == 0 then
      notify("no topic matches the selection", vim.log.levels.WARN)
      return
    end
    pick(hits, "the selection")
  end, bufnr)
end

--- The LSP range of lines `line1`..`line2` (1-based) of the current buffer,
--- narrowed to the last visual selection when it lies on those lines.
function M.selection_range(line1, line2, offset_encoding)
  local bufnr = vim.api.nvim_get_current_buf()
  local start_mark = vim.api.nvim_buf_get_mark(bufnr, "<")
  local end_mark = vim.api.nvim_buf_get_mark(bufnr, ">")
  local start_pos, end_pos = { line1, 0 }, { line2, 0 }
  local last = vim.api.nvim_buf_get_lines(bufnr, line2 - 1, line2, false)[1] or ""
  local end_col = math.max(#last - 1, 0)
  if start_mark[1] == line1 and end_mark[1] == line2 and vim.fn.visualmode() == "v" then
    start_pos = { line1, start_mark[2] }
    end_col = math.min(end_mark[2], end_col)
  end
  end_pos = { line2, end_col }
  local params = vim.lsp.util.make_given_range_params(start_pos, end_pos, bufnr, offset_encoding)
  if #last == 0 then
    -- An empty last line: end at its start, not one character in.
    params.range["end"] = { line = line2 - 1, character = 0 }
  end
  return params.range
end

--- `:'<,'>PyGuide search`: searches the guide for the selected code.
function M.search_selection(line1, line2)
  local client = M.client()
  if not client then
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  M.search_range(bufnr, M.selection_range(line1, line2, client.offset_encoding))
end

-- ----------------------------------------------------------------- explain

--- The topic ids of the "Explain" code actions in a codeAction answer.
function M.explain_targets(actions)
  local targets, seen = {}, {}
  for _, action in ipairs(actions or {}) do
    local command = type(action.command) == "table" and action.command or action
    if command.command == OPEN_TOPIC_COMMAND and type(command.arguments) == "table" then
      local id = command.arguments[1]
      if type(id) == "string" and not seen[id] then
        seen[id] = true
        table.insert(targets, { id = id, title = (action.title or id):gsub("^Explain:%s*", "") })
      end
    end
  end
  return targets
end

local function choose_target(targets)
  if #targets == 1 then
    M.open_topic(targets[1].id)
    return
  end
  vim.ui.select(targets, {
    prompt = "PyGuide: explain which construct?",
    format_item = function(t)
      return t.title
    end,
  }, function(target)
    if target then
      M.open_topic(target.id)
    end
  end)
end

--- The Explain targets of `range` (LSP) in the current buffer, to `callback`.
local function explain_range(client, bufnr, range, callback)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = range,
    context = { diagnostics = {} },
  }
  request(client, "textDocument/codeAction", params, function(err, actions)
    if err then
      notify("code actions failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    callback(M.explain_targets(actions))
  end, bufnr)
end

--- `:PyGuide explain`: opens the topic of the construct under the cursor
--- (from the server's Explain code actions), else of the constructs on the
--- cursor's line; asks when there are several.
function M.explain()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client()
  if not client then
    return
  end
  local cursor = vim.lsp.util.make_range_params(0, client.offset_encoding).range
  explain_range(client, bufnr, cursor, function(targets)
    if #targets > 0 then
      choose_target(targets)
      return
    end
    local row = cursor.start.line
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
    local whole_line = {
      start = { line = row, character = 0 },
      ["end"] = { line = row, character = #line },
    }
    explain_range(client, bufnr, whole_line, function(on_line)
      if #on_line > 0 then
        choose_target(on_line)
      else
        notify(string.format("nothing to explain on this line; try :PyGuide search %s", vim.fn.expand("<cword>")))
      end
    end)
  end)
end

-- ---------------------------------------------------------------- practice

local GRADES = { "again", "hard", "good", "easy" }
local GRADE_LABELS = { "Again", "Hard", "Good", "Easy" }
local KIND_LABELS = {
  question = "interview question",
  choice = "multiple choice",
  output = "predict the output",
  spot = "spot the problem",
}
local has_title = vim.fn.has("nvim-0.9") == 1
local highlight_ns = vim.api.nvim_create_namespace("pyguide_practice")

--- The practice window's state: the card shown and what the user did so far.
--- `phase` is "loading", "asking", "revealed", "result", "empty" or "error".
local practice = { phase = "loading" }
M.practice_state = practice

--- `text` word-wrapped to `width` columns (display cells).
local function wrap(text, width)
  local lines = {}
  for _, paragraph in ipairs(vim.split(text, "\n", { plain = true })) do
    local line = ""
    for word in paragraph:gmatch("%S+") do
      if line == "" then
        line = word
      elseif vim.fn.strdisplaywidth(line .. " " .. word) <= width then
        line = line .. " " .. word
      else
        table.insert(lines, line)
        line = word
      end
    end
    table.insert(lines, line)
  end
  return lines
end

--- The snippet's lines (a final newline ends the last line).
local function code_lines(code)
  local lines = vim.split(code or "", "\n", { plain = true })
  if lines[#lines] == "" then
    table.remove(lines)
  end
  return lines
end

--- The lines of the practice window for the current state, the highlights
--- ({ group, line, col_start, col_end }, 0-based), and, for a spot card, the
--- buffer line of each code line.
local function practice_lines(width)
  local lines, marks, code_at = {}, {}, {}
  local function add(text, group)
    table.insert(lines, text)
    if group then
      table.insert(marks, { group, #lines - 1, 0, -1 })
    end
  end
  local function prose(text, group)
    for _, line in ipairs(wrap(text, width - 2)) do
      add(line, group)
    end
  end
  local function code(snippet, selected)
    local all = code_lines(snippet)
    local digits = #tostring(#all)
    for i, line in ipairs(all) do
      add(string.format("%" .. digits .. "d │ %s", i, line), i == selected and "Visual" or nil)
      table.insert(marks, { "LineNr", #lines - 1, 0, digits + 2 })
      code_at[#lines] = i
    end
  end
  local card = practice.card
  local phase = practice.phase
  --- The question card's key points, as a list.
  local function key_points()
    add("A good answer names:", "Title")
    for _, point in ipairs(card.keyPoints or {}) do
      for j, line in ipairs(wrap(point, width - 4)) do
        add((j == 1 and "• " or "  ") .. line)
      end
    end
  end
  if phase == "loading" then
    add("Loading the next card…", "Comment")
    return lines, marks, code_at
  end
  if phase == "error" then
    prose("Practice failed: " .. (practice.message or "unknown error"), "ErrorMsg")
    add("")
    add("n try again · q close", "Comment")
    return lines, marks, code_at
  end
  if phase == "empty" then
    if practice.enabled == false then
      prose("Practice is off: turn on the `practice` setting (or the progress database could not be opened; see the LSP log).")
      add("")
      add("q close", "Comment")
    else
      prose(string.format("Nothing to practise right now (%d due, %d new).", practice.due or 0, practice.new or 0))
      add("")
      add("n check again · q close", "Comment")
    end
    return lines, marks, code_at
  end
  if not has_title then
    add(string.format("%s [%s]", card.topicTitle, card.module), "Title")
  end
  add(string.format("%s · %d due · %d new", KIND_LABELS[card.kind] or card.kind, practice.due or 0, practice.new or 0), "Comment")
  add("")
  prose(card.prompt, "Bold")
  add("")
  if phase == "asking" then
    if card.kind == "question" then
      prose("Answer out loud or on paper, then reveal what a good answer names.", "Comment")
      add("")
      add("<Space> reveal · q close", "Comment")
    elseif card.kind == "choice" then
      for i, option in ipairs(card.options or {}) do
        local marker = practice.choice == i and "▸" or " "
        local wrapped = wrap(option, width - 7)
        for j, line in ipairs(wrapped) do
          add(string.format("%s %s %s", j == 1 and marker or " ", j == 1 and (i .. ".") or "  ", line), practice.choice == i and "Visual" or nil)
        end
      end
      add("")
      add(string.format("1-%d pick · <CR> submit · q close", #(card.options or {})), "Comment")
    elseif card.kind == "output" then
      code(card.code)
      add("")
      add("<CR> type what it prints · q close", "Comment")
    elseif card.kind == "spot" then
      code(card.code, practice.line)
      add("")
      add(practice.line and ("line " .. practice.line) or "Which line has the problem?", "Question")
      add("<CR> on a code line, or type its number and <CR> · q close", "Comment")
    end
  elseif phase == "revealed" then
    key_points()
    add("")
    add("How much did you name? 1 none (Again) · 2 few (Hard) · 3 most (Good) · 4 all (Easy)", "Question")
    add("q close", "Comment")
  elseif phase == "result" then
    local result = practice.result
    if result.correct == true then
      add("✓ Right", "DiagnosticOk")
    elseif result.correct == false then
      add("✗ Not quite", "DiagnosticError")
    end
    if card.kind == "output" or card.kind == "spot" then
      code(card.code, card.kind == "spot" and tonumber((result.expected or ""):match("%d+")) or nil)
    end
    if card.kind == "question" then
      key_points()
    elseif result.expected and result.expected ~= "" then
      add("")
      add("Answer:", "Title")
      if card.kind == "output" then
        for _, line in ipairs(code_lines(result.expected)) do
          add("  " .. line)
        end
      else
        prose(result.expected)
      end
    end
    if card.kind ~= "question" and result.explanation and result.explanation ~= "" then
      add("")
      add("Why:", "Title")
      prose(result.explanation)
    end
    add("")
    local grade = GRADE_LABELS[vim.fn.index(GRADES, result.grade) + 1] or tostring(result.grade)
    add(string.format("Graded %s; back %s.", grade, M.due_in(result.nextDue, os.time())), "Comment")
    add("n next card · q close", "Comment")
  end
  return lines, marks, code_at
end

--- "in 3 days (2026-12-03 10:00 UTC)": when a card comes back, from `now`
--- (seconds since the epoch); `due` is RFC 3339 UTC.
function M.due_in(due, now)
  local y, mo, d, h, mi, sec = tostring(due or ""):match("^(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)Z$")
  if not y then
    return tostring(due or "")
  end
  -- os.time reads the table as local time: correct by the local offset.
  local local_now = os.time(os.date("*t", now))
  local utc_now = os.time(os.date("!*t", now))
  local at = os.time({ year = tonumber(y), month = tonumber(mo), day = tonumber(d), hour = tonumber(h), min = tonumber(mi), sec = tonumber(sec) })
    + (local_now - utc_now)
  local minutes = math.floor((at - now) / 60 + 0.5)
  local function unit(n, name)
    return string.format("in %d %s%s", n, name, n == 1 and "" or "s")
  end
  local when
  if minutes <= 0 then
    when = "now"
  elseif minutes < 60 then
    when = unit(minutes, "minute")
  elseif minutes < 24 * 60 then
    when = unit(math.floor(minutes / 60 + 0.5), "hour")
  else
    when = unit(math.floor(minutes / (24 * 60) + 0.5), "day")
  end
  return string.format("%s (%s-%s-%s %s:%s UTC)", when, y, mo, d, h, mi)
end

local function practice_valid()
  return practice.win and vim.api.nvim_win_is_valid(practice.win) and practice.buf and vim.api.nvim_buf_is_valid(practice.buf)
end

--- Closes the practice window.
function M.practice_close()
  if practice.win and vim.api.nvim_win_is_valid(practice.win) then
    vim.api.nvim_win_close(practice.win, true)
  end
  practice.win, practice.buf = nil, nil
end

--- Draws the current state into the practice window, opening it if needed.
local function practice_render()
  local width = math.max(math.min(88, vim.o.columns - 4), 20)
  local lines, marks, code_at = practice_lines(width)
  practice.code_at = code_at
  if not practice_valid() then
    practice.buf = vim.api.nvim_create_buf(false, true)
    vim.bo[practice.buf].bufhidden = "wipe"
    vim.bo[practice.buf].filetype = "pyguide_practice"
    M.practice_keys(practice.buf)
  end
  local buf = practice.buf
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.api.nvim_buf_clear_namespace(buf, highlight_ns, 0, -1)
  for _, m in ipairs(marks) do
    pcall(vim.api.nvim_buf_add_highlight, buf, highlight_ns, m[1], m[2], m[3], m[4])
  end
  local height = math.max(math.min(#lines, vim.o.lines - 4), 1)
  local config = {
    relative = "editor",
    width = width,
    height = height,
    row = math.max(math.floor((vim.o.lines - height) / 2) - 1, 0),
    col = math.floor((vim.o.columns - width) / 2),
    border = "rounded",
  }
  if has_title then
    local card = practice.card
    config.title = card and string.format(" %s [%s] ", card.topicTitle, card.module) or " PyGuide practice "
    config.title_pos = "center"
  end
  if practice.win and vim.api.nvim_win_is_valid(practice.win) then
    vim.api.nvim_win_set_config(practice.win, config)
  else
    config.style = "minimal"
    practice.win = vim.api.nvim_open_win(buf, true, config)
    vim.wo[practice.win].wrap = false
    vim.wo[practice.win].cursorline = false
  end
end

--- Asks the server for the next card (`filter`: `{ topic?, module? }`) and shows it.
function M.practice_next(filter)
  local client = M.client()
  if not client then
    return
  end
  practice.filter = filter or practice.filter or {}
  practice.phase, practice.card, practice.result = "loading", nil, nil
  practice_render()
  request(client, PRACTICE_NEXT, practice.filter, function(err, result)
    if err or type(result) ~= "table" then
      practice.phase = "error"
      practice.message = err and (err.message or vim.inspect(err)) or "no answer"
    else
      practice.due, practice.new, practice.enabled = result.due, result.new, result.enabled
      if type(result.card) == "table" then
        practice.phase, practice.card = "asking", result.card
        practice.choice, practice.line, practice.typed = nil, nil, ""
      else
        practice.phase = "empty"
      end
    end
    if practice_valid() then
      practice_render()
    end
  end)
end

--- Sends an answer (`{ answer? , grade? }`) for the card shown.
function M.practice_answer(params)
  local client = M.client()
  if not client or not practice.card or practice.sending then
    return
  end
  params.id = practice.card.id
  practice.sending = true
  request(client, PRACTICE_ANSWER, params, function(err, result)
    practice.sending = false
    if err or type(result) ~= "table" then
      practice.phase = "error"
      practice.message = err and (err.message or vim.inspect(err)) or "no answer"
    else
      practice.phase, practice.result, practice.due = "result", result, result.due
    end
    if practice_valid() then
      practice_render()
    end
  end)
end

--- What a key does in the practice window (also called by the tests).
function M.practice_key(key)
  local card, phase = practice.card, practice.phase
  local digit = key:match("^%d$") and tonumber(key)
  if key == "q" or key == "<Esc>" then
    M.practice_close()
  elseif key == "n" and (phase == "result" or phase == "empty" or phase == "error") then
    M.practice_next()
  elseif phase == "asking" and card.kind == "question" and (key == "<Space>" or key == "<CR>") then
    practice.phase = "revealed"
    practice_render()
  elseif phase == "revealed" and digit and digit >= 1 and digit <= 4 then
    M.practice_answer({ grade = GRADES[digit] })
  elseif phase == "asking" and card.kind == "choice" then
    if digit and digit >= 1 and digit <= #(card.options or {}) then
      practice.choice = digit
      practice_render()
    elseif key == "<CR>" and practice.choice then
      -- The server numbers options from 0.
      M.practice_answer({ answer = practice.choice - 1 })
    end
  elseif phase == "asking" and card.kind == "spot" then
    local count = #code_lines(card.code)
    if digit then
      local typed = ((practice.typed or "") .. key):gsub("^0+", "")
      if typed == "" or tonumber(typed) > count then
        typed = (digit >= 1 and digit <= count) and key or ""
      end
      practice.typed = typed
      practice.line = typed ~= "" and tonumber(typed) or nil
      practice_render()
    elseif key == "<BS>" then
      practice.typed = (practice.typed or ""):sub(1, -2)
      practice.line = practice.typed ~= "" and tonumber(practice.typed) or nil
      practice_render()
    elseif key == "<CR>" then
      local under = practice_valid() and practice.code_at[vim.api.nvim_win_get_cursor(practice.win)[1]]
      local line = practice.line or under
      if line then
        M.practice_answer({ answer = line })
      end
    end
  elseif phase == "asking" and card.kind == "output" and key == "<CR>" then
    vim.ui.input({ prompt = "What does it print? (\\n for a new line): " }, function(input)
      if input ~= nil and practice.card == card and practice.phase == "asking" then
        M.practice_answer({ answer = (input:gsub("\\n", "\n")) })
      end
    end)
  end
end

--- The practice window's keys (buffer-local).
function M.practice_keys(buf)
  local keys = { "q", "<Esc>", "n", "<CR>", "<Space>", "<BS>" }
  for d = 0, 9 do
    table.insert(keys, tostring(d))
  end
  for _, key in ipairs(keys) do
    vim.api.nvim_buf_set_keymap(buf, "n", key, "", {
      noremap = true,
      silent = true,
      nowait = true,
      callback = function()
        M.practice_key(key)
      end,
    })
  end
end

--- `:PyGuide practice [topic ID | module NAME]`: the next card (of that
--- topic or module) in a floating window.
function M.practice(arg)
  local what, value = (arg or ""):match("^%s*(%S*)%s*(%S*)%s*$")
  local filter = {}
  if what == "topic" and value ~= "" then
    filter.topic = value
  elseif what == "module" and value ~= "" then
    filter.module = value
  elseif what ~= "" and what ~= nil then
    notify("usage: :PyGuide practice [topic ID | module NAME]", vim.log.levels.WARN)
    return
  end
  M.practice_next(filter)
end

--- The number of due cards (`pyguide/practice/status`) to `callback(status)`,
--- for a statusline; `status` is nil when the server cannot say.
function M.practice_status(callback)
  local clients = active_clients()
  if #clients == 0 or not clients[1].initialized then
    callback(nil)
    return
  end
  request(clients[1], PRACTICE_STATUS, {}, function(err, result)
    callback((not err and type(result) == "table") and result or nil)
  end)
end

-- ------------------------------------------------------------------- setup

--- Handles the server's `pyguide.openTopic` command (from Explain code
--- actions) in Neovim, rendering the topic in a scratch window.
local function register_commands()
  vim.lsp.commands[OPEN_TOPIC_COMMAND] = function(command)
    local id = command.arguments and command.arguments[1]
    M.open_topic(id)
  end
  -- "Search the guide for the selection" code action: the hits in our picker.
  vim.lsp.commands[SEARCH_SELECTION_COMMAND] = function(command, ctx)
    local argument = command.arguments and command.arguments[1]
    if type(argument) == "table" and argument.range then
      M.search_range(ctx and ctx.bufnr or vim.api.nvim_get_current_buf(), argument.range, argument.uri)
    end
  end
end

function M.setup(opts)
  M.config = merge_config(opts)
  register_commands()
  local group = vim.api.nvim_create_augroup("pyguide", { clear = true })
  if not executable_or_warn() then
    return
  end
  if has_011 then
    -- The native way: Neovim attaches to every buffer of `filetypes`,
    -- one client per root (buffers already open included).
    vim.lsp.config(CLIENT_NAME, native_config())
    vim.lsp.enable(CLIENT_NAME)
    return
  end
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

--- `:PyGuide` dispatcher; `opts` is the user command's (for its range).
function M.command(args, opts)
  local sub, rest = (args or ""):match("^%s*(%S*)%s*(.-)%s*$")
  if sub == "search" and rest == "" and opts and (opts.range or 0) > 0 then
    M.search_selection(opts.line1, opts.line2)
  elseif sub == "search" then
    M.search(rest)
  elseif sub == "topic" then
    M.open_topic(rest)
  elseif sub == "explain" then
    M.explain()
  elseif sub == "practice" then
    M.practice(rest)
  elseif sub == "restart" then
    for _, client in ipairs(active_clients()) do
      local buffers = vim.tbl_keys(client.attached_buffers or {})
      if has_011 then
        client:stop()
      else
        client.stop()
      end
      clients_by_root = {}
      vim.defer_fn(function()
        for _, bufnr in ipairs(buffers) do
          if vim.api.nvim_buf_is_valid(bufnr) then
            M.attach(bufnr)
          end
        end
      end, 500)
    end
  else
    notify("usage: :PyGuide search [query] | :'<,'>PyGuide search | topic ID | explain | practice [topic ID|module NAME] | restart", vim.log.levels.WARN)
  end
end

--- Completion for `:PyGuide`: subcommands, then topic ids for `topic`.
function M.complete(arglead, cmdline)
  local words = vim.split(cmdline, "%s+", { trimempty = false })
  if #words <= 2 then
    return vim.tbl_filter(function(s)
      return s:find(arglead, 1, true) == 1
    end, { "search", "topic", "explain", "practice", "restart" })
  end
  if words[2] == "topic" and arglead ~= "" then
    local clients = active_clients()
    if #clients == 0 or not clients[1].initialized then
      return {}
    end
    local response = M.request_sync(clients[1], "workspace/executeCommand", {
      command = SEARCH_COMMAND,
      arguments = { arglead },
    }, 500)
    local ids = {}
    for _, hit in ipairs(response and response.result or {}) do
      table.insert(ids, hit.id)
    end
    return ids
  end
  return {}
end

return M
