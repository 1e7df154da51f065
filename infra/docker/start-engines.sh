#!/usr/bin/env bash
# Starts N local Docker engines, each its own "host": its own socket, data root, exec root and pid
# file, no bridge and no iptables (containers use the host network). Prints, on its last line, the
# KANARY_DOCKER_HOSTS value that maps host ids to their endpoints, e.g.
#   host-1=unix:///tmp/kanary-docker/host-1/docker.sock,host-2=unix:///tmp/kanary-docker/host-2/docker.sock
# Usage: infra/docker/start-engines.sh [COUNT=2] [ROOT=/tmp/kanary-docker]
# Needs dockerd (Debian: docker.io) and root. Stop them with infra/docker/stop-engines.sh.
set -euo pipefail
count="${1:-2}"
root="${2:-/tmp/kanary-docker}"
command -v dockerd >/dev/null || { echo "dockerd not found: apt-get install -y docker.io" >&2; exit 2; }
hosts=()
for i in $(seq 1 "$count"); do
  dir="$root/host-$i"
  mkdir -p "$dir"
  sock="$dir/docker.sock"
  if [[ -S "$sock" ]] && docker -H "unix://$sock" info >/dev/null 2>&1; then
    hosts+=("host-$i=unix://$sock"); continue
  fi
  # Short exec roots: containerd's socket paths must stay under the 108-byte unix socket limit.
  nohup dockerd --iptables=false --bridge=none --ip-masq=false \
    -H "unix://$sock" --data-root "$dir/data" --exec-root "/run/kd$i" --pidfile "$dir/docker.pid" \
    >"$dir/dockerd.log" 2>&1 &
  hosts+=("host-$i=unix://$sock")
done
for entry in "${hosts[@]}"; do
  sock="${entry#*=unix://}"
  for _ in $(seq 1 60); do
    docker -H "unix://$sock" info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker -H "unix://$sock" info >/dev/null 2>&1 || { echo "engine at $sock did not start; see ${sock%/*}/dockerd.log" >&2; exit 1; }
done
(IFS=,; echo "${hosts[*]}")
