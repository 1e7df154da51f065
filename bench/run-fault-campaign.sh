#!/usr/bin/env bash
# The fault-injection campaign: three Kafka nodes and the four services as separate processes,
# rollouts of healthy and failing versions, kill -9 of a random service or broker at random moments;
# then the invariants, checked from the replayed record and the process table, and a table.
#   ./bench/run-fault-campaign.sh --rollouts 20 --seed 7            the long form
#   ./bench/run-fault-campaign.sh --short                           the CI form (~3 min): 4 rollouts, 2 kills
# Exit 0: no violation (or --allow-violations / KANARY_CAMPAIGN_ALLOW_VIOLATIONS=1); 1: violations; 2: could not run.
# --no-build skips the Maven build (CI builds first).
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --short) args+=(--rollouts 4 --hosts 2 --kills 2 --min-gap-s 6 --max-gap-s 14 --max-down-s 4 --max-minutes 6 --rollout-timeout-s 120) ;;
    *) args+=("$arg") ;;
  esac
done
if [[ $build == 1 ]]; then
  ./mvnw -q -B -pl bench -am package -DskipTests
fi
exec java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
  io.kanary.bench.campaign.FaultCampaign "${args[@]}"
