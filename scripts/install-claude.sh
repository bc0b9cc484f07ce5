#!/usr/bin/env bash
# Makes sure the real Claude Code CLI that the end-to-end tests run is present: $CLAUDE_BIN if set, else the
# pinned version from npm in .cache/claude-code (git-ignored), installed when missing. It ships a native binary.
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
version=2.1.332
cache=$repo/.cache/claude-code

if [[ -n ${CLAUDE_BIN:-} ]]; then
  [[ -x $CLAUDE_BIN ]] || { echo "CLAUDE_BIN=$CLAUDE_BIN is not an executable file." >&2; exit 1; }
  exit 0
fi
installed=$(cat "$cache/node_modules/@anthropic-ai/claude-code/package.json" 2>/dev/null | grep -m1 '"version"' || true)
if [[ $installed == *"\"$version\""* ]] && [[ -n $(ls "$cache"/node_modules/@anthropic-ai/claude-code-*/claude 2>/dev/null) ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "The tests run the real Claude Code CLI, and npm is needed to install it (apt-get install npm, or Node.js from nodejs.org)." >&2
  echo "Or point CLAUDE_BIN at an installed claude binary." >&2
  exit 1
fi
echo "Installing @anthropic-ai/claude-code@$version into $cache (once)…" >&2
mkdir -p "$cache"
npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$version" >&2
"$(ls "$cache"/node_modules/@anthropic-ai/claude-code-*/claude | head -n 1)" --version >&2
