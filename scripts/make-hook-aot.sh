#!/usr/bin/env bash
# Makes the AOT cache that lets the >share hook's JVM start fast: one training run of a real >share in a
# throw-away HOME. Usage: make-hook-aot.sh JAVA_HOME JAR AOT_FILE. The cache is tied to that exact jar.
set -euo pipefail
java_home=$1 jar=$2 aot=$3
training=$(mktemp -d)
trap 'rm -rf "$training"' EXIT
printf '%s' '{"session_id":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","prompt":">share aot-training --write","cwd":"/","transcript_path":""}' \
  | HOME=$training AGENT_TUNNEL_REGISTRY=$training/registry.json \
    AGENT_TUNNEL_HELD_LOCK=$training/registry.json.lock flock "$training/registry.json.lock" "$java_home/bin/java" -XX:AOTCacheOutput="$aot" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k \
      -Xmx64m -Xms8m -XX:ReservedCodeCacheSize=32m \
      --enable-native-access=ALL-UNNAMED -cp "$jar" dev.agenttunnel.hooks.ShareHookMain >/dev/null 2>"$training/aot.log" \
  || { cat "$training/aot.log" >&2; exit 1; }
