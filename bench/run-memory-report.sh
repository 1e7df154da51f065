#!/usr/bin/env bash
# Resident memory (VmRSS from /proc/PID/status) of an idle `kanary up` (embedded broker, every service)
# and of each service alone (`kanary up --bootstrap-server B --services X` against a `kanary broker`),
# each measured IDLE_SECONDS after its ready line, first with the JVM's defaults and then with the
# heap settings the systemd units and the compose file give each service (HEAP_* below).
# Ports: Kafka 19422 (+19423 controller), planner 18420, dashboard 18421, metrics 18422.
#   ./bench/run-memory-report.sh            (IDLE_SECONDS=15 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
idle="${IDLE_SECONDS:-15}"
# The per-service settings, the same as infra/systemd/*.service and infra/compose/compose.yaml.
declare -A HEAP=(
  [all]="-Xmx512m -XX:+UseSerialGC"
  [broker]="-Xmx512m -XX:+UseSerialGC"
  [planner]="-Xmx256m -XX:+UseSerialGC"
  [executor]="-Xmx128m -XX:+UseSerialGC"
  [health-watcher]="-Xmx256m -XX:+UseSerialGC"
  [breach-detector]="-Xmx256m -XX:+UseSerialGC"
  [notifier]="-Xmx128m -XX:+UseSerialGC"
  [dashboard]="-Xmx128m -XX:+UseSerialGC"
)
./mvnw -q -B -pl bench -am package -DskipTests
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work="$(mktemp -d -t kanary-memory-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME READY_LINE JVM_OPTS ARGS...: starts kanary in the background, waits for its ready line,
# and leaves its pid in $started.
started=""
start() {
  local name="$1" ready="$2" opts="$3"; shift 3
  # shellcheck disable=SC2086  # opts is a list of JVM options
  "$java" $opts -cp "$cp" io.kanary.cli.Kanary "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 1200); do
    if grep -q "$ready" "$work/$name.log"; then started="$pid"; return; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited before it was ready:" >&2; tail -20 "$work/$name.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "$name was not ready within 120 s; see $work/$name.log" >&2
  exit 1
}
rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

settings=defaults
opts() { [[ "$settings" == defaults ]] && echo "" || echo "${HEAP[$1]}"; }

measure() {
  local label="$1"
  settings="$2"
  local pid broker service
  start "all-$label" "kanary is up" "$(opts all)" up --kafka-port 19422 --http-port 18420 --dashboard-port 18421 \
    --data-dir "$work/all-$label"
  pid="$started"
  sleep "$idle"
  printf '%-16s %-18s %6s MiB\n' "$label" "kanary up (all)" "$(rss_mib "$pid")"
  stop "$pid"

  start "broker-$label" "ready on" "$(opts broker)" broker --node-id 1 --cluster-id MkU3OEVBNTcwNTJENDM2Qk \
    --port 19422 --controller-port 19423 --voters 1@localhost:19423 --data-dir "$work/broker-$label" \
    --replication-factor 1 --min-insync-replicas 1
  broker="$started"
  for service in planner executor health-watcher breach-detector notifier dashboard; do
    start "$service-$label" "kanary is up" "$(opts "$service")" up --bootstrap-server localhost:19422 \
      --services "$service" --http-port 18420 --dashboard-port 18421 --metrics-port 18422 \
      --data-dir "$work/$service-$label" --webhook-url http://127.0.0.1:18429/unused
    pid="$started"
    sleep "$idle"
    printf '%-16s %-18s %6s MiB\n' "$label" "$service" "$(rss_mib "$pid")"
    stop "$pid"
  done
  sleep "$idle"
  printf '%-16s %-18s %6s MiB\n' "$label" "kanary broker" "$(rss_mib "$broker")"
  stop "$broker"
}

echo "VmRSS ${idle} s after start-up, idle; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
measure defaults defaults
measure heap-settings heap
