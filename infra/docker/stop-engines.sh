#!/usr/bin/env bash
# Stops the engines that start-engines.sh started.
set -uo pipefail
root="${1:-/tmp/kanary-docker}"
for pidfile in "$root"/host-*/docker.pid; do
  [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null
done
exit 0
