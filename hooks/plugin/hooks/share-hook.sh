#!/usr/bin/env bash
# agent-tunnel's UserPromptSubmit hook. It runs on every prompt of every session, so a prompt that cannot be
# a >share command is answered here, in bash builtins only, without starting anything. The rest goes to the
# installed agent-tunnel tool, found through $AGENT_TUNNEL_BIN, PATH, or ~/.local/bin (where ./install puts it).
IFS= read -r -d '' payload
lowered=${payload,,}
[[ $lowered == *'>share'* || $lowered == *'\u003eshare'* ]] || exit 0

tool=${AGENT_TUNNEL_BIN:-}
if [[ -z $tool ]]; then
  tool=$(type -P agent-tunnel) || tool=
fi
if [[ -z $tool && -x ${HOME:-}/.local/bin/agent-tunnel ]]; then
  tool=$HOME/.local/bin/agent-tunnel
fi
if [[ -z $tool ]]; then
  # Only block prompts that really start with >share; anything else passes untouched.
  trimmed=$(printf '%s' "$lowered" | sed -n 's/.*"prompt"[[:space:]]*:[[:space:]]*"\(\(\\[nrt]\|[[:space:]]\)*\)>share.*/yes/p')
  if [[ -n $trimmed ]]; then
    printf '%s\n' '{"decision":"block","reason":"\u001b[93magent-tunnel is not installed, so >share cannot publish this session. Run ./install in the agent-tunnel repository (it puts agent-tunnel in ~/.local/bin), or set AGENT_TUNNEL_BIN to the agent-tunnel launcher, then type >share again.\u001b[0m"}'
  fi
  exit 0
fi
exec "$tool" hook share <<<"$payload"
