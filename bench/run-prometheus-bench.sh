#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs PrometheusReplayBench; arguments pass through,
# e.g. ./bench/run-prometheus-bench.sh --seeds 20 --horizon-seconds 300 --prometheus /usr/bin/prometheus
# Needs Debian's prometheus package (apt-get install -y prometheus); takes about the longest horizon plus 1 min.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.kanary.bench.prometheus.PrometheusReplayBench "$@"
