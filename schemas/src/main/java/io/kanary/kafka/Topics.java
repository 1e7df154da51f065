package io.kanary.kafka;

import io.kanary.schema.Breach;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.Judgement;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.RollbackCommand;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic kanary uses, in one place. Code names topics through these, never by string. */
public final class Topics {
    private static final Serde<String> KEY = Serdes.String();

    /** Key: service. What producers publish; the planner's HTTP API writes here too. */
    public static final Topic<String, DeployRequest> DEPLOY_REQUESTS =
            new Topic<>("deploy.requests", KEY, JsonSerde.of(DeployRequest.class));
    /** Key: service. The source of truth for deployment state. */
    public static final Topic<String, DeploymentEvent> DEPLOY_EVENTS =
            new Topic<>("deploy.events", KEY, JsonSerde.of(DeploymentEvent.class));
    /** Key: host id, so each host sees its commands in order. */
    public static final Topic<String, HostCommand> HOST_COMMANDS =
            new Topic<>("host.commands", KEY, JsonSerde.of(HostCommand.class));
    /** Key: host id. */
    public static final Topic<String, HostEvent> HOST_EVENTS =
            new Topic<>("host.events", KEY, JsonSerde.of(HostEvent.class));
    /** Key: service. */
    public static final Topic<String, ProbeResult> HEALTH_PROBES =
            new Topic<>("health.probes", KEY, JsonSerde.of(ProbeResult.class));
    /**
     * Key: service. Where each instance's probes stand (good probes in a row, since when), derived from
     * health.probes by whoever probes it: on a change of its ok-state, else at most once a second. The
     * planner's health gates read this, not the probes.
     */
    public static final Topic<String, InstanceHealth> INSTANCE_HEALTH =
            new Topic<>("instance.health", KEY, JsonSerde.of(InstanceHealth.class));
    /** Key: service. Each instance's requests per interval, from its own metrics or from any producer. */
    public static final Topic<String, TrafficSample> TRAFFIC_SAMPLES =
            new Topic<>("traffic.samples", KEY, JsonSerde.of(TrafficSample.class));
    /** Key: service. For alerting systems. */
    public static final Topic<String, Breach> BREACHES =
            new Topic<>("breaches", KEY, JsonSerde.of(Breach.class));
    /** Key: service. The breach-detector and operators write, the planner acts. */
    public static final Topic<String, RollbackCommand> ROLLBACK_COMMANDS =
            new Topic<>("rollback.commands", KEY, JsonSerde.of(RollbackCommand.class));

    /** Key: service. The breach-detector's healthy and inconclusive judgements of each batch; the planner advances on them. */
    public static final Topic<String, Judgement> JUDGEMENTS =
            new Topic<>("judgements", KEY, JsonSerde.of(Judgement.class));

    /** Key: service. Operators' pause, resume, abort, promote and cancel; the planner's API writes, the planner acts. */
    public static final Topic<String, ControlCommand> DEPLOY_CONTROLS =
            new Topic<>("deploy.controls", KEY, JsonSerde.of(ControlCommand.class));

    /**
     * The planner's snapshots of what it knows of each host (key: host id; compacted, so the latest per
     * host is kept), each naming the host.events offsets a restart replays from. Written in the same
     * transaction as the offsets they cover; internal to the planner (not an event stream, so not in {@link #ALL}).
     */
    public static final String PLANNER_SNAPSHOTS = "planner.snapshots";

    /**
     * The notifier's dead letters: breaches and deployment events a webhook or Alertmanager did not
     * take after the last try, with the target and the reason in headers.
     */
    public static final String NOTIFICATIONS_DLQ = "notifications.dlq";

    public static final List<Topic<String, ?>> ALL = List.of(DEPLOY_REQUESTS, DEPLOY_EVENTS, HOST_COMMANDS,
            HOST_EVENTS, HEALTH_PROBES, BREACHES, ROLLBACK_COMMANDS, DEPLOY_CONTROLS, TRAFFIC_SAMPLES,
            JUDGEMENTS, INSTANCE_HEALTH);

    /**
     * The topics created with {@link TopicPartitions#scaled()} partitions: health.probes and
     * traffic.samples, whose load grows with the fleet's instances, and deploy.events, which the
     * breach-detector must read co-partitioned with them. All three are keyed by service and have the
     * same partitions, so a service's probes, traffic and deployments meet in one detector task.
     */
    public static final List<Topic<String, ?>> SCALED = List.of(HEALTH_PROBES, TRAFFIC_SAMPLES, DEPLOY_EVENTS);

    private Topics() {
    }
}
