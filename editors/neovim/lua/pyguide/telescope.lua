--- The Telescope picker for `:PyGuide search`: live results from the server
--- as you type (`pyguide.search` per prompt change), the topic's Markdown in
--- the preview, <CR> opens it. Loaded only when Telescope is installed.

local M = {}

--- True when telescope.nvim can be required.
function M.available()
  return (pcall(require, "telescope"))
end

local function entry(hit, pyguide)
  return {
    value = hit,
    display = pyguide.format_hit(hit),
    -- The server already ranked the hits; the empty sorter keeps its order.
    ordinal = hit.title,
  }
end

--- Shows `hits` (the answer to `query`) and keeps querying as the prompt changes.
function M.pick(hits, query, pyguide)
  local pickers = require("telescope.pickers")
  local finders = require("telescope.finders")
  local sorters = require("telescope.sorters")
  local previewers = require("telescope.previewers")
  local actions = require("telescope.actions")
  local action_state = require("telescope.actions.state")

  local client = pyguide.client()
  if not client then
    return
  end
  local function search(prompt)
    if not prompt or vim.trim(prompt) == "" then
      return {}
    end
    if prompt == query then
      return hits
    end
    local response =
      pyguide.request_sync(client, "workspace/executeCommand", { command = "pyguide.search", arguments = { prompt } }, 1000)
    return response and type(response.result) == "table" and response.result or {}
  end

  pickers
    .new({}, {
      prompt_title = "PyGuide topics",
      default_text = query,
      finder = finders.new_dynamic({
        fn = search,
        entry_maker = function(hit)
          return entry(hit, pyguide)
        end,
      }),
      sorter = sorters.empty(),
      previewer = previewers.new_buffer_previewer({
        title = "Topic",
        define_preview = function(self, picked)
          local response = pyguide.request_sync(client, "pyguide/topic", { id = picked.value.id }, 1000)
          local markdown = response and response.result and response.result.markdown or picked.value.snippet
          vim.api.nvim_buf_set_lines(self.state.bufnr, 0, -1, false, vim.split(markdown, "\n", { plain = true }))
          vim.bo[self.state.bufnr].filetype = "markdown"
        end,
      }),
      attach_mappings = function(prompt_bufnr)
        actions.select_default:replace(function()
          local selected = action_state.get_selected_entry()
          actions.close(prompt_bufnr)
          if selected then
            pyguide.open_topic(selected.value.id)
          end
        end)
        return true
      end,
    })
    :find()
end

return M
