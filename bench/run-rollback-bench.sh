#!/usr/bin/env bash
# Builds kanary-bench and the modules it needs, then runs RollbackBench; arguments pass through,
# e.g. ./bench/run-rollback-bench.sh --runs 10 --endpoint unix:///tmp/kanary-docker/host-1/docker.sock
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl bench -am package -DskipTests
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.kanary.bench.RollbackBench "$@"
