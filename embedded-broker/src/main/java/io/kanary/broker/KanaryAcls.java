package io.kanary.broker;

import io.kanary.kafka.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs kanary needs on a cluster that enforces them (an authorizer, and
 * {@code allow.everyone.if.no.acl.found=false}): each service's principal may read what it consumes
 * and write what it produces, and nothing else. Above all, only the planner may write
 * host.commands: an executor acts on whatever arrives there. {@code infra/kafka/acls.sh} holds the
 * same ACLs as {@code kafka-acls.sh} commands ({@link #asKafkaAclsCommands}); a test keeps them equal.
 *
 * @param planner        the planner's principal, e.g. {@code User:kanary-planner}
 * @param executor       every executor's principal
 * @param healthWatcher  the health-watcher's principal
 * @param breachDetector the breach-detector's principal
 * @param audit          the audit's principal, and that of other read-only tools ({@code kanary watch}, {@code kanary audit})
 * @param notifier       the notifier's principal (alerts and webhooks from breaches and deployment events)
 * @param dashboard      the live web dashboard's principal (a read-only view of the topics)
 */
public record KanaryAcls(String planner, String executor, String healthWatcher, String breachDetector, String audit,
                         String notifier, String dashboard) {
    public static final KanaryAcls DEFAULT_PRINCIPALS = new KanaryAcls("User:kanary-planner", "User:kanary-executor",
            "User:kanary-health-watcher", "User:kanary-breach-detector", "User:kanary-audit", "User:kanary-notifier",
            "User:kanary-dashboard");
    private static final String PLANNER_GROUP = "kanary-planner";
    private static final String EXECUTOR_GROUP_PREFIX = "kanary-executor-";
    private static final String HEALTH_WATCHER_GROUP = "kanary-health-watcher";
    private static final String DETECTOR_APPLICATION_ID = "kanary-breach-detector";
    private static final String AUDIT_GROUP_PREFIX = "kanary-audit";
    /** {@code kanary watch}'s consumer groups: a read-only tool, so it logs in as the audit's principal. */
    private static final String CONSOLE_GROUP_PREFIX = "kanary-console-";
    private static final String NOTIFIER_GROUP_PREFIX = "kanary-notifier-";
    /** Where the notifier sets aside an event no target took after its last try. */
    private static final String NOTIFICATIONS_DLQ = "notifications.dlq";
    private static final String DASHBOARD_GROUP_PREFIX = "kanary-dashboard-";

    /** Every ACL binding, in a stable order. */
    public List<AclBinding> bindings() {
        List<AclBinding> out = new ArrayList<>();
        // planner: the state machine's inputs, its outputs, and what its HTTP API publishes.
        read(out, planner, Topics.DEPLOY_REQUESTS.name(), Topics.HOST_EVENTS.name(), Topics.HEALTH_PROBES.name(),
                Topics.ROLLBACK_COMMANDS.name(), Topics.DEPLOY_EVENTS.name());
        write(out, planner, Topics.DEPLOY_EVENTS.name(), Topics.HOST_COMMANDS.name(), Topics.DEPLOY_REQUESTS.name(),
                Topics.ROLLBACK_COMMANDS.name());
        deadLetters(out, planner, Topics.DEPLOY_REQUESTS.name(), Topics.HOST_EVENTS.name(), Topics.HEALTH_PROBES.name(),
                Topics.ROLLBACK_COMMANDS.name(), Topics.DEPLOY_EVENTS.name());
        // Operators' controls: the planner's API writes them, its loop reads them (and dead-letters unreadable ones).
        read(out, planner, Topics.DEPLOY_CONTROLS.name());
        write(out, planner, Topics.DEPLOY_CONTROLS.name());
        deadLetters(out, planner, Topics.DEPLOY_CONTROLS.name());
        // The breach-detector's judgements of each batch: the planner advances on them.
        read(out, planner, Topics.JUDGEMENTS.name());
        deadLetters(out, planner, Topics.JUDGEMENTS.name());
        // Its health gates read instance.health (derived from the probes), not the probes.
        read(out, planner, Topics.INSTANCE_HEALTH.name());
        deadLetters(out, planner, Topics.INSTANCE_HEALTH.name());
        // Its snapshots of the hosts, which it creates (compacted) when missing, writes and reads back at start.
        read(out, planner, Topics.PLANNER_SNAPSHOTS);
        write(out, planner, Topics.PLANNER_SNAPSHOTS);
        out.add(allow(ResourceType.TOPIC, Topics.PLANNER_SNAPSHOTS, PatternType.LITERAL, planner, AclOperation.CREATE));
        out.add(allow(ResourceType.GROUP, PLANNER_GROUP, PatternType.LITERAL, planner, AclOperation.READ));
        out.add(allow(ResourceType.TRANSACTIONAL_ID, PLANNER_GROUP, PatternType.LITERAL, planner, AclOperation.WRITE));
        out.add(allow(ResourceType.TRANSACTIONAL_ID, PLANNER_GROUP, PatternType.LITERAL, planner, AclOperation.DESCRIBE));
        // executor: reads commands, reports host events (and reads them back to rebuild its outcomes);
        // it runs a deployment's command health checks, so it reads deploy.events and writes probes.
        read(out, executor, Topics.HOST_COMMANDS.name(), Topics.HOST_EVENTS.name(), Topics.DEPLOY_EVENTS.name());
        write(out, executor, Topics.HOST_EVENTS.name(), Topics.HEALTH_PROBES.name());
        write(out, executor, Topics.INSTANCE_HEALTH.name());
        deadLetters(out, executor, Topics.HOST_COMMANDS.name(), Topics.HOST_EVENTS.name());
        out.add(allow(ResourceType.GROUP, EXECUTOR_GROUP_PREFIX, PatternType.PREFIXED, executor, AclOperation.READ));
        // health-watcher: learns instances from host and deployment events, publishes probes.
        read(out, healthWatcher, Topics.HOST_EVENTS.name(), Topics.DEPLOY_EVENTS.name());
        write(out, healthWatcher, Topics.HEALTH_PROBES.name());
        write(out, healthWatcher, Topics.INSTANCE_HEALTH.name());
        // ...and each instance's request counts per interval, read from its own metrics.
        write(out, healthWatcher, Topics.TRAFFIC_SAMPLES.name());
        deadLetters(out, healthWatcher, Topics.HOST_EVENTS.name(), Topics.DEPLOY_EVENTS.name());
        out.add(allow(ResourceType.GROUP, HEALTH_WATCHER_GROUP, PatternType.LITERAL, healthWatcher, AclOperation.READ));
        // breach-detector: a Kafka Streams application (its group, transactional ids and internal topics share its id).
        read(out, breachDetector, Topics.HEALTH_PROBES.name(), Topics.DEPLOY_EVENTS.name());
        write(out, breachDetector, Topics.BREACHES.name(), Topics.ROLLBACK_COMMANDS.name());
        write(out, breachDetector, Topics.JUDGEMENTS.name());
        deadLetters(out, breachDetector, Topics.HEALTH_PROBES.name(), Topics.DEPLOY_EVENTS.name());
        // It judges the instances' traffic samples beside the probes.
        read(out, breachDetector, Topics.TRAFFIC_SAMPLES.name());
        deadLetters(out, breachDetector, Topics.TRAFFIC_SAMPLES.name());
        out.add(allow(ResourceType.TOPIC, DETECTOR_APPLICATION_ID, PatternType.PREFIXED, breachDetector, AclOperation.ALL));
        out.add(allow(ResourceType.GROUP, DETECTOR_APPLICATION_ID, PatternType.PREFIXED, breachDetector, AclOperation.READ));
        out.add(allow(ResourceType.TRANSACTIONAL_ID, DETECTOR_APPLICATION_ID, PatternType.PREFIXED, breachDetector, AclOperation.WRITE));
        out.add(allow(ResourceType.TRANSACTIONAL_ID, DETECTOR_APPLICATION_ID, PatternType.PREFIXED, breachDetector, AclOperation.DESCRIBE));
        // audit: reads everything, writes nothing.
        for (var topic : Topics.ALL) {
            read(out, audit, topic.name(), topic.dlqName());
        }
        out.add(allow(ResourceType.GROUP, AUDIT_GROUP_PREFIX, PatternType.PREFIXED, audit, AclOperation.READ));
        out.add(allow(ResourceType.GROUP, CONSOLE_GROUP_PREFIX, PatternType.PREFIXED, audit, AclOperation.READ));
        // notifier: tells people about breaches and deployments; an undeliverable event goes to notifications.dlq.
        read(out, notifier, Topics.DEPLOY_EVENTS.name(), Topics.BREACHES.name());
        write(out, notifier, NOTIFICATIONS_DLQ);
        deadLetters(out, notifier, Topics.DEPLOY_EVENTS.name(), Topics.BREACHES.name());
        out.add(allow(ResourceType.GROUP, NOTIFIER_GROUP_PREFIX, PatternType.PREFIXED, notifier, AclOperation.READ));
        // dashboard: a view of the topics, writes nothing (its buttons go through the planner's API).
        read(out, dashboard, Topics.DEPLOY_EVENTS.name(), Topics.HOST_EVENTS.name(), Topics.BREACHES.name(),
                Topics.HEALTH_PROBES.name());
        // ...and the breach-detector's judgements, to show each waiting batch's evidence accumulating.
        read(out, dashboard, Topics.JUDGEMENTS.name());
        out.add(allow(ResourceType.GROUP, DASHBOARD_GROUP_PREFIX, PatternType.PREFIXED, dashboard, AclOperation.READ));
        return out;
    }

    /** Creates the bindings (creating one that exists changes nothing). */
    public void apply(Map<String, Object> adminProps) {
        try (Admin admin = Admin.create(adminProps)) {
            admin.createAcls(bindings()).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create kanary's ACLs at " + adminProps.get("bootstrap.servers") + ": "
                    + e.getMessage() + " (the admin principal must be a super user or hold ALTER on the cluster)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating ACLs", e);
        }
    }

    /** The bindings as {@code kafka-acls.sh} commands, principals as shell variables, for {@code infra/kafka/acls.sh}. */
    public static List<String> asKafkaAclsCommands() {
        KanaryAcls shell = new KanaryAcls("$PLANNER", "$EXECUTOR", "$HEALTH_WATCHER", "$BREACH_DETECTOR", "$AUDIT",
                "$NOTIFIER", "$DASHBOARD");
        return shell.bindings().stream().map(KanaryAcls::command).toList();
    }

    private static String command(AclBinding b) {
        String resource = switch (b.pattern().resourceType()) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            default -> throw new IllegalStateException("no kafka-acls flag for " + b.pattern().resourceType());
        };
        return "kafka_acls --add --allow-principal \"" + b.entry().principal() + "\" --operation "
                + pascal(b.entry().operation().name()) + " " + resource + " '" + b.pattern().name() + "'"
                + (b.pattern().patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }

    private static String pascal(String upperSnake) {
        StringBuilder out = new StringBuilder();
        for (String part : upperSnake.split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString();
    }

    private static void read(List<AclBinding> out, String principal, String... topics) {
        for (String topic : topics) {
            out.add(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.READ));
        }
    }

    private static void write(List<AclBinding> out, String principal, String... topics) {
        for (String topic : topics) {
            out.add(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.WRITE));
        }
    }

    /** Whoever consumes a topic may set a record it cannot use aside in the topic's DLQ. */
    private static void deadLetters(List<AclBinding> out, String principal, String... topics) {
        for (String topic : topics) {
            out.add(allow(ResourceType.TOPIC, topic + ".dlq", PatternType.LITERAL, principal, AclOperation.WRITE));
        }
    }

    private static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
