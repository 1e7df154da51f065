#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs BrokerLatencyBench; arguments pass through,
# e.g. ./bench/run-broker-bench.sh --runs 200 --warmup-runs 10
# With --scenario-check first, runs BrokerScenarioCheck instead, e.g.
#      ./bench/run-broker-bench.sh --scenario-check --seeds 3 --horizon-seconds 60
set -euo pipefail
cd "$(dirname "$0")/.."
main=io.kanary.bench.broker.BrokerLatencyBench
if [[ "${1:-}" == "--scenario-check" ]]; then
  main=io.kanary.bench.broker.BrokerScenarioCheck
  shift
fi
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$main" "$@"
