#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs ScenarioBench; arguments pass through,
# e.g. ./bench/run-scenario-bench.sh --runs 200 --healthy-runs 1000 --prometheus-runs 20 --threads 2
# The promtool comparison needs Debian's prometheus package (apt-get install -y prometheus), or --prometheus-runs 0.
# The traffic rows (100 requests/s per instance, side by side with Flagger-style analysis): add --traffic-runs N,
# e.g. --traffic-only --traffic-runs 200 --traffic-healthy-runs 3000 --threads 2
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.kanary.bench.scenario.ScenarioBench "$@"
