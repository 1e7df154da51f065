package io.kanary.planner.http;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kanary.planner.state.Deployment;
import io.kanary.planner.state.HostGate;
import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Planner;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deployment as the API shows it: a read-only copy made on the planner's thread.
 *
 * @param batch the current batch, 1-based (0 before the first)
 * @param hosts    for each target host, its version before and where it stands now
 * @param deadline when the open deadline falls (the batch's health gates, or the rollback's confirmations), counted
 *                 in time kanary was awake; null when none is open
 * @param pausedBy    who paused it, while PAUSED
 * @param controlIds  the operators' controls it acted on, so the API answers a repeated one as the first
 * @param step        the current step of the plan, 1-based (0 before the first); {@code steps} how many there are
 *                    (both 0 when the plan is batches alone, without pauses or approvals)
 * @param stepKind    batch, pause or approval
 * @param waitingUntil when the timed pause under way ends; null otherwise (an approval waits for promote)
 * @param kind        deploy, undo, retry or restart; {@code cause} the deployment or revision it came from
 * @param queuePosition for a QUEUED deployment, its 1-based place in its service's queue
 * @param needs       the deployment that must have succeeded before this one starts
 * @param hook        the hook awaited now, e.g. "pre-deploy hook running on host-1"; null when none is
 * @param evidence    the current batch's judgement (e.g. "evidence healthy: batch 1/3 healthy on 77 probes ..."), or
 *                    that its gates passed and it waits for one; null otherwise
 */
public record DeploymentView(String id, String service, String version, String baselineVersion, Phase phase, int batch,
                             int batches, List<List<String>> plan, Map<String, HostView> hosts, String reason,
                             Policy policy, String requestedBy, Instant startedAt, Instant updatedAt, Instant deadline,
                             String pausedBy, String pauseReason, @JsonIgnore Set<String> controlIds, int step,
                             int steps, String stepKind, Instant waitingUntil, String kind, String cause,
                             Integer queuePosition, String needs, @JsonIgnore DeploymentEvent.Started started,
                             String hook, String evidence) {

    /** @param state one of waiting, deploying, gating, healthy, updated, rolling-back, rolled-back, failed */
    public record HostView(String previousVersion, String state, String detail) {
    }

    static DeploymentView of(Deployment d) {
        // A plan of batches alone (a batch size, or steps that are all batches) is shown as "batch 2/4";
        // steps are counted only when the plan pauses or waits for an approval.
        boolean explicitSteps = d.plan().stream().anyMatch(step -> !step.isBatch());
        Map<String, HostView> hosts = new LinkedHashMap<>();
        for (String host : d.started().hosts()) {
            hosts.put(host, hostView(d, host));
        }
        return new DeploymentView(d.id(), d.service(), d.version(), d.started().baselineVersion(), d.phase(),
                d.batch() + 1, d.batchCount(), d.started().batches(), hosts, d.reason(), d.policy(),
                d.started().requestedBy(), d.started().at(), d.updatedAt(), d.deadline(), d.pausedBy(), d.pauseReason(),
                Set.copyOf(d.controlIds()), explicitSteps ? d.step() + 1 : 0, explicitSteps ? d.plan().size() : 0,
                d.currentStep() == null ? null : d.currentStep().kind(), d.waitingUntil(),
                d.started().kind() == null ? "deploy" : d.started().kind(), d.started().cause(), null, null, d.started(),
                d.phase() == Phase.ROLLING || d.phase() == Phase.PAUSED ? d.hookProgress() : null, evidence(d));
    }

    /** The current batch's judgement, or that it waits for one once its gates passed. */
    private static String evidence(Deployment d) {
        if (!(d.phase() == Phase.ROLLING || d.phase() == Phase.PAUSED) || d.batch() < 0) {
            return null;
        }
        var judged = d.judgement();
        if (judged.isPresent()) {
            return "evidence " + judged.get().verdict() + ": " + judged.get().summary();
        }
        return d.allGatesPassed() && !d.stepDone() ? "gates passed; waiting for evidence (the breach-detector's "
                + "judgement, at the latest by " + d.evidenceDeadline() + ")" : null;
    }

    /** A deployment that has not started: QUEUED at its place in the queue, or CANCELLED before it started. */
    static DeploymentView of(Planner.QueuedView q) {
        DeployRequest r = q.queued().request();
        boolean cancelled = q.cancelled() != null;
        Set<String> controls = cancelled && q.cancelled().controlId() != null ? Set.of(q.cancelled().controlId()) : Set.of();
        return new DeploymentView(q.queued().deploymentId(), r.service(), r.version(), null,
                cancelled ? Phase.CANCELLED : Phase.QUEUED, 0, 0, List.of(), Map.of(),
                cancelled ? q.cancelled().reason() : null, r.policy(), r.requestedBy(), q.queued().at(),
                cancelled ? q.cancelled().at() : q.queued().at(), null, null, null, controls, 0, 0, null, null,
                r.effectiveKind(), r.cause(), cancelled ? null : q.position(), r.needs(), null, null, null);
    }

    private static HostView hostView(Deployment d, String host) {
        String previous = d.started().previousVersions().get(host);
        HostEvent.CommandFailed rollbackFailed = d.rollbackFailures().get(host);
        if (rollbackFailed != null) {
            return new HostView(previous, "failed", "could not be rolled back: " + rollbackFailed.reason());
        }
        HostEvent.CommandFailed startFailed = d.startFailures().get(host);
        if (startFailed != null) {
            return new HostView(previous, "failed", "could not start " + d.version() + ": " + startFailed.reason()
                    + "; it never ran " + d.version() + ", so nothing to undo");
        }
        if (d.rolledBackHosts().contains(host)) {
            return new HostView(previous, "rolled-back", previous == null ? "stopped" : "back on " + previous);
        }
        if (d.awaitingRollback().contains(host)) {
            return new HostView(previous, "rolling-back", null);
        }
        HostGate gate = d.gates().get(host);
        if (gate != null && (d.phase() == Phase.ROLLING || d.phase() == Phase.PAUSED || d.phase() == Phase.SUCCEEDED)) {
            if (gate.passed()) {
                return new HostView(previous, "healthy", null);
            }
            return gate.isInstanceStarted()
                    ? new HostView(previous, "gating", gate.progress(d.policy()))
                    : new HostView(previous, "deploying", null);
        }
        return d.updatedHosts().contains(host)
                ? new HostView(previous, "updated", null)
                : new HostView(previous, "waiting", null);
    }
}
