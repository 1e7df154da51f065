#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs PlannerScaleBench on an embedded broker;
# arguments pass through, e.g. ./bench/run-planner-bench.sh --deployments 1000 --history 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.kanary.bench.planner.PlannerScaleBench "$@"
