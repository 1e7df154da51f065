package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A request to roll {@code version} of {@code service} out, as published on deploy.requests.
 *
 * @param deploymentId optional; the planner derives one from the event id when it is absent
 * @param hosts        the target hosts; empty means every host now running the service
 * @param batchSize    hosts updated at a time (default 1; none when {@code steps} are given)
 * @param policy       absent fields take {@link Policy}'s defaults
 * @param steps        the rollout's steps instead of equal batches: host-count and percentage batches, timed
 *                     pauses and approvals (empty: batches of {@code batchSize})
 * @param onBusy       what to do when the service has an active deployment: {@value #QUEUE} (the default),
 *                     {@value #REFUSE} or {@value #SUPERSEDE}
 * @param needs        a deployment that must have SUCCEEDED before this one may start; null for none
 * @param hostSelector label → value: the targets are the live hosts whose labels match all of them (with {@code hosts} empty)
 * @param kind         {@value #KIND_DEPLOY} (the default), {@value #KIND_UNDO}, {@value #KIND_RETRY} or {@value #KIND_RESTART}
 * @param cause        for undo, retry and restart: the deployment or revision it came from
 * @param hooks        a pre-deploy command before the first batch and a smoke test after each batch; null for none
 */
@JsonTypeName("deploy.requested")
public record DeployRequest(String eventId, int schemaVersion, String deploymentId, String service, String version,
                            RunSpec run, List<String> hosts, Integer batchSize, Policy policy, String requestedBy,
                            Instant requestedAt, List<Step> steps, String onBusy, String needs,
                            Map<String, String> hostSelector, String kind, String cause, Hooks hooks)
        implements KanaryEvent {
    public static final int DEFAULT_BATCH_SIZE = 1;
    public static final String QUEUE = "queue";
    public static final String REFUSE = "refuse";
    public static final String SUPERSEDE = "supersede";
    public static final List<String> ON_BUSY = List.of(QUEUE, REFUSE, SUPERSEDE);
    public static final String KIND_DEPLOY = "deploy";
    public static final String KIND_UNDO = "undo";
    public static final String KIND_RETRY = "retry";
    public static final String KIND_RESTART = "restart";

    public DeployRequest(String eventId, int schemaVersion, String deploymentId, String service, String version,
                         RunSpec run, List<String> hosts, Integer batchSize, Policy policy, String requestedBy,
                         Instant requestedAt) {
        this(eventId, schemaVersion, deploymentId, service, version, run, hosts, batchSize, policy, requestedBy,
                requestedAt, null, null, null, null, null, null, null);
    }

    public DeployRequest(String eventId, int schemaVersion, String deploymentId, String service, String version,
                         RunSpec run, List<String> hosts, Integer batchSize, Policy policy, String requestedBy,
                         Instant requestedAt, List<Step> steps, String onBusy, String needs,
                         Map<String, String> hostSelector, String kind, String cause) {
        this(eventId, schemaVersion, deploymentId, service, version, run, hosts, batchSize, policy, requestedBy,
                requestedAt, steps, onBusy, needs, hostSelector, kind, cause, null);
    }

    /** This request with {@code hooks} instead of its own. */
    public DeployRequest withHooks(Hooks hooks) {
        return new DeployRequest(eventId, schemaVersion, deploymentId, service, version, run, hosts, batchSize, policy,
                requestedBy, requestedAt, steps, onBusy, needs, hostSelector, kind, cause, hooks);
    }

    public DeployRequest {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        steps = steps == null ? List.of() : List.copyOf(steps);
        // Steps replace the batch size: a request with steps has none, so it cannot be written with both.
        batchSize = batchSize == null && steps.isEmpty() ? Integer.valueOf(DEFAULT_BATCH_SIZE) : batchSize;
        hostSelector = hostSelector == null ? Map.of() : Map.copyOf(hostSelector);

        policy = policy == null ? Policy.defaults() : policy;
        schemaVersion = schemaVersion == 0 ? SCHEMA_VERSION : schemaVersion;
    }

    /** What to do when the service is busy: {@link #onBusy} or, when absent, {@value #QUEUE}. */
    public String effectiveOnBusy() {
        return onBusy == null ? QUEUE : onBusy;
    }

    /** {@link #kind}, or {@value #KIND_DEPLOY} when absent. */
    public String effectiveKind() {
        return kind == null ? KIND_DEPLOY : kind;
    }

    /** The deployment id to use: the one given, or one derived from this request's event id. */
    public String effectiveDeploymentId() {
        return deploymentId != null && !deploymentId.isBlank() ? deploymentId : "d-" + eventId;
    }

    @Override
    public String subject() {
        return effectiveDeploymentId();
    }
}
