#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs DetectorScaleOutBench: one breach-detector
# process vs two on the same pre-loaded probes; arguments pass through, e.g.
#   ./bench/run-scaleout-bench.sh --probes 100000 --repetitions 5
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.kanary.bench.scaleout.DetectorScaleOutBench "$@"
