#!/usr/bin/env bash
# kanary's Kafka ACLs, for a cluster with an authorizer and allow.everyone.if.no.acl.found=false:
# each service's principal may read what it consumes and write what it produces. Above all, only
# the planner may write host.commands (an executor acts on whatever arrives there).
#
#   BOOTSTRAP=broker:9093 ADMIN_CONFIG=admin.properties infra/kafka/acls.sh
#
# ADMIN_CONFIG is a client properties file for a super user (security.protocol, sasl.*, ssl.*).
# Principals default to User:kanary-<service>; override PLANNER, EXECUTOR, HEALTH_WATCHER,
# BREACH_DETECTOR, AUDIT, NOTIFIER and DASHBOARD. The commands mirror io.kanary.broker.KanaryAcls, which applies the
# same ACLs through the Admin API (a test keeps the two equal). Adding an ACL twice changes nothing.
set -euo pipefail

: "${BOOTSTRAP:?set BOOTSTRAP to the cluster's bootstrap address}"
: "${ADMIN_CONFIG:?set ADMIN_CONFIG to a super user's client properties file}"
PLANNER="${PLANNER:-User:kanary-planner}"
EXECUTOR="${EXECUTOR:-User:kanary-executor}"
HEALTH_WATCHER="${HEALTH_WATCHER:-User:kanary-health-watcher}"
BREACH_DETECTOR="${BREACH_DETECTOR:-User:kanary-breach-detector}"
AUDIT="${AUDIT:-User:kanary-audit}"
NOTIFIER="${NOTIFIER:-User:kanary-notifier}"
DASHBOARD="${DASHBOARD:-User:kanary-dashboard}"
KAFKA_ACLS="${KAFKA_ACLS:-kafka-acls.sh}"

kafka_acls() {
  "$KAFKA_ACLS" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" "$@"
}

kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'deploy.requests'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'host.events'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'health.probes'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'rollback.commands'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'deploy.events'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'host.commands'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'deploy.requests'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'rollback.commands'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'deploy.requests.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'host.events.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'health.probes.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'rollback.commands.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'deploy.events.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'deploy.controls'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'deploy.controls'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'deploy.controls.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'judgements'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'judgements.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'instance.health'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'instance.health.dlq'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --topic 'planner.snapshots'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --topic 'planner.snapshots'
kafka_acls --add --allow-principal "$PLANNER" --operation Create --topic 'planner.snapshots'
kafka_acls --add --allow-principal "$PLANNER" --operation Read --group 'kanary-planner'
kafka_acls --add --allow-principal "$PLANNER" --operation Write --transactional-id 'kanary-planner'
kafka_acls --add --allow-principal "$PLANNER" --operation Describe --transactional-id 'kanary-planner'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Read --topic 'host.commands'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Read --topic 'host.events'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Write --topic 'host.events'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Write --topic 'health.probes'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Write --topic 'instance.health'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Write --topic 'host.commands.dlq'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Write --topic 'host.events.dlq'
kafka_acls --add --allow-principal "$EXECUTOR" --operation Read --group 'kanary-executor-' --resource-pattern-type prefixed
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Read --topic 'host.events'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Write --topic 'health.probes'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Write --topic 'instance.health'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Write --topic 'traffic.samples'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Write --topic 'host.events.dlq'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Write --topic 'deploy.events.dlq'
kafka_acls --add --allow-principal "$HEALTH_WATCHER" --operation Read --group 'kanary-health-watcher'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Read --topic 'health.probes'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --topic 'breaches'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --topic 'rollback.commands'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --topic 'judgements'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --topic 'health.probes.dlq'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --topic 'deploy.events.dlq'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Read --topic 'traffic.samples'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --topic 'traffic.samples.dlq'
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation All --topic 'kanary-breach-detector' --resource-pattern-type prefixed
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Read --group 'kanary-breach-detector' --resource-pattern-type prefixed
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Write --transactional-id 'kanary-breach-detector' --resource-pattern-type prefixed
kafka_acls --add --allow-principal "$BREACH_DETECTOR" --operation Describe --transactional-id 'kanary-breach-detector' --resource-pattern-type prefixed
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'deploy.requests'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'deploy.requests.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'deploy.events.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'host.commands'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'host.commands.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'host.events'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'host.events.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'health.probes'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'health.probes.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'breaches'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'breaches.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'rollback.commands'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'rollback.commands.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'deploy.controls'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'deploy.controls.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'traffic.samples'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'traffic.samples.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'judgements'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'judgements.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'instance.health'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --topic 'instance.health.dlq'
kafka_acls --add --allow-principal "$AUDIT" --operation Read --group 'kanary-audit' --resource-pattern-type prefixed
kafka_acls --add --allow-principal "$AUDIT" --operation Read --group 'kanary-console-' --resource-pattern-type prefixed
# The notifier: breaches and deployment events in, alerts and webhooks out; what no target took goes to notifications.dlq.
kafka_acls --add --allow-principal "$NOTIFIER" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$NOTIFIER" --operation Read --topic 'breaches'
kafka_acls --add --allow-principal "$NOTIFIER" --operation Write --topic 'notifications.dlq'
kafka_acls --add --allow-principal "$NOTIFIER" --operation Write --topic 'deploy.events.dlq'
kafka_acls --add --allow-principal "$NOTIFIER" --operation Write --topic 'breaches.dlq'
kafka_acls --add --allow-principal "$NOTIFIER" --operation Read --group 'kanary-notifier-' --resource-pattern-type prefixed
# The live web dashboard: reads, never writes (its buttons go through the planner's API).
kafka_acls --add --allow-principal "$DASHBOARD" --operation Read --topic 'deploy.events'
kafka_acls --add --allow-principal "$DASHBOARD" --operation Read --topic 'host.events'
kafka_acls --add --allow-principal "$DASHBOARD" --operation Read --topic 'breaches'
kafka_acls --add --allow-principal "$DASHBOARD" --operation Read --topic 'health.probes'
kafka_acls --add --allow-principal "$DASHBOARD" --operation Read --topic 'judgements'
kafka_acls --add --allow-principal "$DASHBOARD" --operation Read --group 'kanary-dashboard-' --resource-pattern-type prefixed
