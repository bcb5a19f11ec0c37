-- Defines :PyGuide. Nothing starts until require("pyguide").setup() runs.
if vim.g.loaded_pyguide then
  return
end
vim.g.loaded_pyguide = true

vim.api.nvim_create_user_command("PyGuide", function(opts)
  require("pyguide").command(opts.args, opts)
end, {
  nargs = "*",
  range = true,
  complete = function(arglead, cmdline)
    return require("pyguide").complete(arglead, cmdline)
  end,
  desc = "pyguide: search [query] | ('<,'>) search | topic ID | explain | practice [topic ID|module NAME] | restart",
})
