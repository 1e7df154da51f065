#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs AuditScaleBench; arguments pass through,
# e.g. ./bench/run-audit-bench.sh --probes 1000000,10000000 --heap 256m
# Writing and auditing 10M probes takes a while on 2 cores: run it in the background, e.g.
#      nice ./bench/run-audit-bench.sh > audit-bench.txt 2> audit-bench.log &
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.kanary.bench.audit.AuditScaleBench "$@"
