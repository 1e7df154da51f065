#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs WatcherThroughputBench; arguments pass through,
# e.g. ./bench/run-watcher-bench.sh --rates 5000,10000,20000,30000 --repetitions 3
# The watcher runs in a JVM of its own; the broker and the HTTP instances run in the bench's JVM.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.kanary.bench.watcher.WatcherThroughputBench "$@"
