package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The deployment's history on deploy.events, the source of truth for its state. One record per
 * kind of event; the JSON field {@code type} names which.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(DeploymentEvent.Started.class),
        @JsonSubTypes.Type(DeploymentEvent.BatchStarted.class),
        @JsonSubTypes.Type(DeploymentEvent.BatchCompleted.class),
        @JsonSubTypes.Type(DeploymentEvent.Paused.class),
        @JsonSubTypes.Type(DeploymentEvent.Resumed.class),
        @JsonSubTypes.Type(DeploymentEvent.Succeeded.class),
        @JsonSubTypes.Type(DeploymentEvent.RollingBack.class),
        @JsonSubTypes.Type(DeploymentEvent.RolledBack.class),
        @JsonSubTypes.Type(DeploymentEvent.Failed.class),
        @JsonSubTypes.Type(DeploymentEvent.Aborted.class),
        @JsonSubTypes.Type(DeploymentEvent.DeadlinesExtended.class),
        @JsonSubTypes.Type(DeploymentEvent.Promoted.class),
        @JsonSubTypes.Type(DeploymentEvent.Waiting.class),
        @JsonSubTypes.Type(DeploymentEvent.Queued.class),
        @JsonSubTypes.Type(DeploymentEvent.Cancelled.class),
        @JsonSubTypes.Type(DeploymentEvent.HookRequested.class),
        @JsonSubTypes.Type(DeploymentEvent.Judged.class)})
public sealed interface DeploymentEvent extends KanaryEvent {

    String deploymentId();

    String service();

    Instant at();

    @Override
    default String subject() {
        return deploymentId();
    }

    /** True for the events after which the deployment is over. */
    @JsonIgnore
    default boolean isTerminal() {
        return this instanceof Succeeded || this instanceof RolledBack || this instanceof Failed
                || this instanceof Aborted || this instanceof Cancelled;
    }

    /**
     * An event an operator's {@link ControlCommand} caused; {@code controlId} is that command's event
     * id (null when no control caused it), so a command seen twice acts once, also after a replay.
     */
    interface FromControl {
        String controlId();
    }

    /**
     * The deployment began: its plan and policy.
     *
     * @param baselineVersion  the version being replaced (the stable version the new one is judged against); null on a first deployment
     * @param previousVersions for each target host, the version it ran before (absent: none)
     * @param batches          the hosts of each batch, in order
     * @param steps            the whole plan in order: the batches, with the timed pauses and approvals between
     *                         them; empty in records written before steps existed (then every batch is a step)
     * @param kind             deploy, undo, retry or restart (absent: deploy)
     * @param cause            for undo, retry and restart: the deployment or revision it came from
     * @param hooks            the request's pre-deploy command and smoke test; null for none
     */
    @JsonTypeName("deployment.started")
    record Started(String eventId, int schemaVersion, String deploymentId, String service, String version,
                   String baselineVersion, Map<String, String> previousVersions, RunSpec run, Policy policy,
                   List<List<String>> batches, String requestedBy, Instant at, List<PlannedStep> steps, String kind,
                   String cause, Hooks hooks) implements DeploymentEvent {
        public Started {
            previousVersions = previousVersions == null ? Map.of() : Map.copyOf(previousVersions);
            batches = batches == null ? List.of() : batches.stream().map(List::copyOf).toList();
            steps = steps == null ? List.of() : List.copyOf(steps);
        }

        public Started(String eventId, int schemaVersion, String deploymentId, String service, String version,
                       String baselineVersion, Map<String, String> previousVersions, RunSpec run, Policy policy,
                       List<List<String>> batches, String requestedBy, Instant at) {
            this(eventId, schemaVersion, deploymentId, service, version, baselineVersion, previousVersions, run, policy,
                    batches, requestedBy, at, null, null, null, null);
        }

        public Started(String eventId, int schemaVersion, String deploymentId, String service, String version,
                       String baselineVersion, Map<String, String> previousVersions, RunSpec run, Policy policy,
                       List<List<String>> batches, String requestedBy, Instant at, List<PlannedStep> steps, String kind,
                       String cause) {
            this(eventId, schemaVersion, deploymentId, service, version, baselineVersion, previousVersions, run, policy,
                    batches, requestedBy, at, steps, kind, cause, null);
        }

        /** The plan's steps: {@link #steps}, or one batch step per batch for a record without them. */
        @JsonIgnore
        public List<PlannedStep> plan() {
            return steps.isEmpty() ? batches.stream().map(PlannedStep::batch).toList() : steps;
        }

        public List<String> hosts() {
            return batches.stream().flatMap(List::stream).toList();
        }
    }

    /** Batch {@code batch} (0-based) was commanded: every host in it gets the new version. */
    @JsonTypeName("deployment.batch.started")
    record BatchStarted(String eventId, int schemaVersion, String deploymentId, String service, int batch,
                        List<String> hosts, Instant at) implements DeploymentEvent {
    }

    /** Every host of batch {@code batch} passed its health gate. */
    @JsonTypeName("deployment.batch.completed")
    record BatchCompleted(String eventId, int schemaVersion, String deploymentId, String service, int batch,
                          List<String> hosts, Instant at) implements DeploymentEvent {
    }

    /**
     * An operator paused the deployment: the current batch finishes its gates, no new batch starts.
     *
     * @param controlId the operator's {@link ControlCommand} that asked for it, so the same command acts once
     */
    @JsonTypeName("deployment.paused")
    record Paused(String eventId, int schemaVersion, String deploymentId, String service, String by, Instant at,
                  String reason, String controlId) implements DeploymentEvent, FromControl {
        public Paused(String eventId, int schemaVersion, String deploymentId, String service, String by, Instant at) {
            this(eventId, schemaVersion, deploymentId, service, by, at, null, null);
        }
    }

    /** An operator resumed a paused deployment. */
    @JsonTypeName("deployment.resumed")
    record Resumed(String eventId, int schemaVersion, String deploymentId, String service, String by, Instant at,
                   String reason, String controlId) implements DeploymentEvent, FromControl {
        public Resumed(String eventId, int schemaVersion, String deploymentId, String service, String by, Instant at) {
            this(eventId, schemaVersion, deploymentId, service, by, at, null, null);
        }
    }

    /**
     * A request waits in its service's queue: the service has an active deployment (or the deployment
     * it {@code needs} has not succeeded yet). It starts, in the same transaction as the event that
     * frees the way, as {@code deploymentId}; the request is kept whole so a replay can start it.
     *
     * @param front true when it superseded the active deployment: it goes first in the queue
     */
    @JsonTypeName("deployment.queued")
    record Queued(String eventId, int schemaVersion, String deploymentId, String service, DeployRequest request,
                  boolean front, Instant at) implements DeploymentEvent {
    }

    /** A queued deployment was taken out of its queue before it started: by an operator, or because it cannot start. */
    @JsonTypeName("deployment.cancelled")
    record Cancelled(String eventId, int schemaVersion, String deploymentId, String service, String by, String reason,
                     String controlId, Instant at) implements DeploymentEvent, FromControl {
    }

    /**
     * A timed pause or an approval step of the plan began: the rollout waits (judgement goes on) until
     * {@code until} or, for an approval ({@code until} null), until an operator promotes it.
     *
     * @param step       the step's index in the plan, 0-based
     * @param durationMs the timed pause's length; null for an approval
     */
    @JsonTypeName("deployment.waiting")
    record Waiting(String eventId, int schemaVersion, String deploymentId, String service, int step, Long durationMs,
                   Instant until, Instant at) implements DeploymentEvent {
    }

    /**
     * An operator promoted the deployment: the current timed pause or approval ends now and, with
     * {@code full}, every remaining pause and approval step is skipped (batches still run and are judged).
     */
    @JsonTypeName("deployment.promoted")
    record Promoted(String eventId, int schemaVersion, String deploymentId, String service, boolean full, String by,
                    String reason, String controlId, Instant at) implements DeploymentEvent, FromControl {
    }

    /** Every batch completed: {@code version} now runs on every target host. */
    @JsonTypeName("deployment.succeeded")
    record Succeeded(String eventId, int schemaVersion, String deploymentId, String service, String version,
                     Instant at) implements DeploymentEvent {
    }

    /**
     * The deployment is being undone: {@code hosts} were commanded back to their previous version.
     *
     * @param breachId the breach that caused it, when a breach did
     * @param by       who asked: {@code breach-detector}, {@code planner} (e.g. a health deadline) or an operator
     */
    @JsonTypeName("deployment.rolling-back")
    record RollingBack(String eventId, int schemaVersion, String deploymentId, String service, String reason,
                       String breachId, String by, List<String> hosts, Instant at, Boolean abort, String controlId)
            implements DeploymentEvent, FromControl {
        public RollingBack(String eventId, int schemaVersion, String deploymentId, String service, String reason,
                           String breachId, String by, List<String> hosts, Instant at) {
            this(eventId, schemaVersion, deploymentId, service, reason, breachId, by, hosts, at, null, null);
        }

        /** Whether an operator's abort asked for it: the deployment then ends ABORTED rather than ROLLED_BACK. */
        @JsonIgnore
        public boolean isAbort() {
            return Boolean.TRUE.equals(abort);
        }
    }

    /** Every updated host reported its previous version back. */
    @JsonTypeName("deployment.rolled-back")
    record RolledBack(String eventId, int schemaVersion, String deploymentId, String service, List<String> hosts,
                      Instant at) implements DeploymentEvent {
    }

    /** A host could not be rolled back: the deployment needs a person. */
    @JsonTypeName("deployment.failed")
    record Failed(String eventId, int schemaVersion, String deploymentId, String service, String reason,
                  Instant at) implements DeploymentEvent {
    }

    @JsonTypeName("deployment.aborted")
    record Aborted(String eventId, int schemaVersion, String deploymentId, String service, String by,
                   String reason, Instant at) implements DeploymentEvent {
    }

    /**
     * The planner was not running (or could not act) from {@code downSince} until {@code at}: the
     * deployment's open deadlines move later by {@code extendedByMs}, so they count only the time
     * kanary was awake. Written once per active deployment when the planner resumes.
     *
     * @param downSince    the planner's last sign of being awake before it stopped: the latest record it wrote or consumed
     * @param extendedByMs how much later every open deadline now falls
     */
    @JsonTypeName("deployment.deadlines-extended")
    record DeadlinesExtended(String eventId, int schemaVersion, String deploymentId, String service, Instant downSince,
                             long extendedByMs, Instant at) implements DeploymentEvent {
    }

    /**
     * The smoke test of batch {@code batch} (0-based) was sent to every host of the batch, after their
     * health gates passed; the batch completes only when each host's {@code host.hook.finished} says it
     * passed. Its time opens the hooks' deadline.
     *
     * @param hook      the hook's name on the run-hook commands, e.g. "smoke batch 1"
     * @param timeoutMs how long each host's run may take (the executor kills it then)
     */
    @JsonTypeName("deployment.hook.requested")
    record HookRequested(String eventId, int schemaVersion, String deploymentId, String service, String hook,
                         int batch, List<String> hosts, long timeoutMs, Instant at) implements DeploymentEvent {
        public HookRequested {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }
    }

    /**
     * The planner took in a judgement of batch {@code batch} (0-based): the evidence it advances on,
     * kept on deploy.events so a replay knows a batch already judged and people read why it moved on.
     *
     * @param verdict     {@code healthy} or {@code inconclusive}
     * @param judgementId the eventId of the judgement on judgements; null when the planner judged it inconclusive
     *                    itself because no judgement came
     * @param by          {@code breach-detector}, or {@code planner} when no judgement came in time
     * @param summary     the judgement's sentence
     */
    @JsonTypeName("deployment.judged")
    record Judged(String eventId, int schemaVersion, String deploymentId, String service, int batch, String verdict,
                  String judgementId, String by, String summary, Instant at) implements DeploymentEvent {
        public static final String HEALTHY = "healthy";
        public static final String INCONCLUSIVE = "inconclusive";

        @JsonIgnore
        public boolean isHealthy() {
            return HEALTHY.equals(verdict);
        }
    }
}
