package io.kanary.planner.state;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Hooks;
import io.kanary.schema.HostEvent;
import io.kanary.schema.PlannedStep;
import io.kanary.schema.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One deployment's state. Everything but the health gates is derived from its deploy.events and
 * the host.events that answer its commands, so replaying the topics rebuilds it; the gates are
 * rebuilt from live probes after a restart.
 *
 * <p>Deadlines count only the time kanary was awake: each opens at the event that starts it (a
 * batch, a rollback) and moves later by every {@code deployment.deadlines-extended} after it.
 */
public final class Deployment {
    private final DeploymentEvent.Started started;
    private Phase phase = Phase.ROLLING;
    private int batch = -1;
    private String batchCauseId;
    private Instant batchStartedAt;
    private long batchExtendedByMs;
    private final Set<String> updatedHosts = new LinkedHashSet<>();
    private final Map<String, HostGate> gates = new LinkedHashMap<>();
    /** Hosts of the current batch that answered their deploy command, started or failed. */
    private final Set<String> deployAnswered = new LinkedHashSet<>();
    /** Hosts of the current batch that could not start the new version, so never ran it: nothing to undo there. */
    private final Map<String, HostEvent.CommandFailed> startFailures = new LinkedHashMap<>();
    /** Hosts whose rollback command failed. */
    private final Map<String, HostEvent.CommandFailed> rollbackFailures = new LinkedHashMap<>();
    private final Set<String> awaitingRollback = new LinkedHashSet<>();
    private final List<String> rolledBackHosts = new ArrayList<>();
    private String lastRollbackConfirmationId;
    private Instant rollingBackAt;
    private long rollbackExtendedByMs;
    private String rollingBackEventId;
    private String lastEventId;
    private String reason;
    private Instant updatedAt;
    /** The plan's steps (batches, timed pauses, approvals), from the started event. */
    private final List<PlannedStep> plan;
    /** The current step's index in {@link #plan}; -1 before the first. */
    private int step = -1;
    /** Whether the current step is done: its batch completed, or its wait ended by a promote (a pause holds here). */
    private boolean stepDone;
    private Instant waitStartedAt;
    private Long waitDurationMs;
    private long waitExtendedByMs;
    /** Set by a full promote: every pause and approval step still ahead is skipped. */
    private boolean skipWaits;
    /** Set by an operator's abort: the rollback ends ABORTED, not ROLLED_BACK. */
    private boolean aborting;
    private String abortedBy;
    private String pausedBy;
    private String pauseReason;
    /** Every operator control this deployment acted on, by its event id: the same control twice acts once. */
    private final Set<String> controlIds = new LinkedHashSet<>();
    /**
     * How long after a hook's own timeout its host may take to report the outcome before the hook
     * counts as failed: the executor kills it at its timeout, so silence past this means the
     * executor or the way to it is gone.
     */
    public static final long HOOK_REPORT_SLACK_MS = 30_000;
    /** The pre-deploy hook's host and command id; null when the request has none. */
    private final String preDeployHost;
    private final String preDeployCommandId;
    /** The current batch's smoke test, once its gates passed and it was sent; null before. */
    private DeploymentEvent.HookRequested smokeRequest;
    /** The planner's downtime since the awaited hook began: its deadline moves later by as much. */
    private long hookExtendedByMs;
    /** Every hook outcome reported for this deployment, by command id: the first report of each counts. */
    private final Map<String, HostEvent.HookFinished> hookResults = new LinkedHashMap<>();
    /** The judgement the planner took in for each batch, by batch: the first one of a batch counts. */
    private final Map<Integer, DeploymentEvent.Judged> judgements = new LinkedHashMap<>();
    /** Set when an inconclusive judgement paused the batch: it completes only after an operator resumes. */
    private boolean evidenceHold;

    Deployment(DeploymentEvent.Started started) {
        this.started = started;
        this.updatedAt = started.at();
        this.lastEventId = started.eventId();
        this.plan = started.plan();
        Hooks.PreDeploy pre = started.hooks() == null ? null : started.hooks().preDeploy();
        List<String> hosts = started.hosts();
        this.preDeployHost = pre == null || hosts.isEmpty() ? null : pre.host() != null ? pre.host() : hosts.get(0);
        this.preDeployCommandId = preDeployHost == null ? null
                : CommandIds.preDeployHook(started.eventId(), preDeployHost);
    }

    /** Applies one of this deployment's own events; the same code serves live decisions and replay. */
    void apply(DeploymentEvent event) {
        updatedAt = event.at();
        lastEventId = event.eventId();
        if (event instanceof DeploymentEvent.FromControl control && control.controlId() != null) {
            controlIds.add(control.controlId());
        }
        if (event instanceof DeploymentEvent.BatchStarted b) {
            step = stepOfBatch(b.batch());
            stepDone = false;
            if (phase == Phase.WAITING) {
                phase = Phase.ROLLING;
            }
            batch = b.batch();
            batchCauseId = b.eventId();
            batchStartedAt = b.at();
            batchExtendedByMs = 0;
            updatedHosts.addAll(b.hosts());
            gates.clear();
            deployAnswered.clear();
            startFailures.clear();
            b.hosts().forEach(h -> gates.put(h, new HostGate(h)));
            smokeRequest = null;
        } else if (event instanceof DeploymentEvent.HookRequested h) {
            smokeRequest = h;
            hookExtendedByMs = 0;
        } else if (event instanceof DeploymentEvent.BatchCompleted) {
            stepDone = true;
        } else if (event instanceof DeploymentEvent.Waiting w) {
            phase = Phase.WAITING;
            step = w.step();
            stepDone = false;
            waitStartedAt = w.at();
            waitDurationMs = w.durationMs();
            waitExtendedByMs = 0;
        } else if (event instanceof DeploymentEvent.Promoted p) {
            skipWaits |= p.full();
            if (phase == Phase.WAITING) {
                phase = Phase.ROLLING;
                stepDone = true;
            }
        } else if (event instanceof DeploymentEvent.Succeeded) {
            phase = Phase.SUCCEEDED;
        } else if (event instanceof DeploymentEvent.RollingBack r) {
            phase = Phase.ROLLING_BACK;
            reason = r.reason();
            rollingBackAt = r.at();
            rollbackExtendedByMs = 0;
            rollingBackEventId = r.eventId();
            awaitingRollback.addAll(r.hosts());
            aborting = r.isAbort();
            abortedBy = r.isAbort() ? r.by() : null;
        } else if (event instanceof DeploymentEvent.RolledBack) {
            phase = Phase.ROLLED_BACK;
        } else if (event instanceof DeploymentEvent.Failed f) {
            phase = Phase.FAILED;
            reason = f.reason();
        } else if (event instanceof DeploymentEvent.Aborted a) {
            phase = Phase.ABORTED;
            reason = a.reason();
        } else if (event instanceof DeploymentEvent.Paused p) {
            phase = Phase.PAUSED;
            pausedBy = p.by();
            pauseReason = p.reason();
        } else if (event instanceof DeploymentEvent.Judged j) {
            judgements.putIfAbsent(j.batch(), j);
            evidenceHold = !j.isHealthy() && policy().onInconclusive() == Policy.OnInconclusive.PAUSE;
        } else if (event instanceof DeploymentEvent.Resumed) {
            // The operator read the inconclusive judgement and lets the batch go on as it is.
            evidenceHold = false;
            phase = Phase.ROLLING;
            pausedBy = null;
            pauseReason = null;
        } else if (event instanceof DeploymentEvent.DeadlinesExtended e) {
            batchExtendedByMs += e.extendedByMs();
            rollbackExtendedByMs += e.extendedByMs();
            waitExtendedByMs += e.extendedByMs();
            hookExtendedByMs += e.extendedByMs();
        }
    }

    /** Notes a host event that answers one of this deployment's commands. */
    void observe(HostEvent.InstanceEvent event) {
        String host = event.hostId();
        if (event instanceof HostEvent.HookFinished f && f.commandId() != null) {
            // Kept whatever the phase: replay reads host.events after deploy.events, and a report that
            // answers no awaited hook (late, or of an earlier batch) is never looked up.
            hookResults.putIfAbsent(f.commandId(), f);
        } else if (event instanceof HostEvent.Started s && gates.containsKey(host) && version().equals(s.version())) {
            deployAnswered.add(host);
            if (phase == Phase.ROLLING || phase == Phase.PAUSED) {
                gates.get(host).markInstanceStarted(s.instance() == null ? null : s.instance().instanceId());
            }
        } else if (event instanceof HostEvent.CommandFailed f && phase.isActive()) {
            if (answersDeploy(f)) {
                startFailed(f);
            } else if (awaitingRollback.contains(host)) {
                rollbackFailures.put(host, f);
            }
        } else if (event instanceof HostEvent.RolledBack r && phase == Phase.ROLLING_BACK
                && awaitingRollback.remove(host)) {
            rolledBackHosts.add(host);
            lastRollbackConfirmationId = r.eventId();
        }
    }

    /**
     * Whether a failure answers this batch's deploy command rather than a rollback. Command ids say
     * so exactly; for ids this planner did not derive, per-host order decides: a host answers its
     * deploy before the rollback that follows it.
     */
    private boolean answersDeploy(HostEvent.CommandFailed f) {
        String host = f.hostId();
        if (!gates.containsKey(host)) {
            return false;
        }
        if (f.commandId() != null && f.commandId().equals(CommandIds.deploy(batchCauseId, host))) {
            return true;
        }
        if (rollingBackEventId != null && f.commandId() != null
                && f.commandId().equals(CommandIds.rollback(rollingBackEventId, host))) {
            return false;
        }
        return phase != Phase.ROLLING_BACK || !deployAnswered.contains(host);
    }

    /** The host never ran the new version: its rollback, if one was sent, has nothing to undo and counts as done. */
    private void startFailed(HostEvent.CommandFailed f) {
        deployAnswered.add(f.hostId());
        startFailures.putIfAbsent(f.hostId(), f);
        awaitingRollback.remove(f.hostId());
    }

    /** Hosts the rollback must command: every updated host except those that never ran the new version. */
    List<String> hostsToRollBack() {
        return updatedHosts.stream().filter(h -> !startFailures.containsKey(h)).toList();
    }

    /** Hosts of the current batch that have not answered their deploy command yet. */
    List<String> unansweredDeploys() {
        return currentBatchHosts().stream().filter(h -> !deployAnswered.contains(h)).toList();
    }

    public String id() {
        return started.deploymentId();
    }

    public String service() {
        return started.service();
    }

    public String version() {
        return started.version();
    }

    public Policy policy() {
        return started.policy();
    }

    public DeploymentEvent.Started started() {
        return started;
    }

    public Phase phase() {
        return phase;
    }

    /** The current batch, 0-based; -1 before the first. */
    public int batch() {
        return batch;
    }

    public int batchCount() {
        return started.batches().size();
    }

    public List<String> currentBatchHosts() {
        return batch < 0 ? List.of() : started.batches().get(batch);
    }

    public String batchCauseId() {
        return batchCauseId;
    }

    public Instant batchStartedAt() {
        return batchStartedAt;
    }

    /** When the current batch must have passed its gates: its start + healthDeadlineMs + the planner's downtime since. */
    public Instant batchDeadline() {
        return batchStartedAt == null ? null
                : batchStartedAt.plusMillis(policy().healthDeadlineMs()).plusMillis(batchExtendedByMs);
    }

    /** When every rolled-back host must have confirmed: the rollback's start + healthDeadlineMs + the planner's downtime since. */
    public Instant rollbackDeadline() {
        return rollingBackAt == null ? null
                : rollingBackAt.plusMillis(policy().healthDeadlineMs()).plusMillis(rollbackExtendedByMs);
    }

    /** Whether the deployment waits for its pre-deploy hook: it has one and no step has begun. */
    public boolean awaitingPreDeploy() {
        return preDeployCommandId != null && step < 0 && batch < 0;
    }

    /** Whether the current batch's smoke test was sent and the batch has not completed. */
    public boolean smokeRequested() {
        return smokeRequest != null && !stepDone;
    }

    /** The hook awaited now ("pre-deploy", "smoke batch 2"), or null when none is. */
    public String awaitedHookName() {
        return awaitingPreDeploy() ? "pre-deploy" : smokeRequested() ? smokeRequest.hook() : null;
    }

    /** The hook commands awaited now, command id → host, in host order; empty when no hook is awaited. */
    public Map<String, String> awaitedHookCommands() {
        Map<String, String> out = new LinkedHashMap<>();
        if (awaitingPreDeploy()) {
            out.put(preDeployCommandId, preDeployHost);
        } else if (smokeRequested()) {
            smokeRequest.hosts().forEach(h -> out.put(CommandIds.smokeHook(smokeRequest.eventId(), h), h));
        }
        return out;
    }

    /** The event that sent the awaited hook (deployment.started or deployment.hook.requested): the cause of a timeout. */
    String awaitedHookCauseId() {
        return awaitingPreDeploy() ? started.eventId() : smokeRequested() ? smokeRequest.eventId() : null;
    }

    /** How long each run of the awaited hook may take, or 0 when none is awaited. */
    public long awaitedHookTimeoutMs() {
        if (awaitingPreDeploy()) {
            Long timeout = started.hooks().preDeploy().timeoutMs();
            return timeout == null ? Hooks.PreDeploy.DEFAULT_TIMEOUT_MS : timeout;
        }
        return smokeRequested() ? smokeRequest.timeoutMs() : 0;
    }

    /** When the awaited hook counts as failed if a host has not reported: its start + timeout + slack + downtime. */
    public Instant hookDeadline() {
        Instant began = awaitingPreDeploy() ? started.at() : smokeRequested() ? smokeRequest.at() : null;
        return began == null ? null
                : began.plusMillis(awaitedHookTimeoutMs() + HOOK_REPORT_SLACK_MS + hookExtendedByMs);
    }

    /** The first failed report of the awaited hook, in host order, if any host reported one. */
    public Optional<HostEvent.HookFinished> hookFailure() {
        return awaitedHookCommands().keySet().stream().map(hookResults::get)
                .filter(f -> f != null && !f.ok()).findFirst();
    }

    /** Whether every host of the awaited hook reported that it passed. */
    public boolean hookPassed() {
        Map<String, String> awaited = awaitedHookCommands();
        return !awaited.isEmpty() && awaited.keySet().stream().allMatch(id -> hookResults.containsKey(id)
                && hookResults.get(id).ok());
    }

    /** The hosts of the awaited hook that have not reported yet. */
    public List<String> hookUnanswered() {
        return awaitedHookCommands().entrySet().stream().filter(e -> !hookResults.containsKey(e.getKey()))
                .map(Map.Entry::getValue).toList();
    }

    /** The latest report of the awaited hook: the cause of what its passing starts. */
    String lastHookReportId() {
        return awaitedHookCommands().keySet().stream().map(hookResults::get).filter(f -> f != null)
                .map(HostEvent.HookFinished::eventId).reduce((a, b) -> b).orElse(null);
    }

    /** Where the awaited hook stands, e.g. "pre-deploy hook running on host-1"; null when none is awaited. */
    public String hookProgress() {
        String name = awaitedHookName();
        if (name == null) {
            return null;
        }
        List<String> running = hookUnanswered();
        List<String> passed = awaitedHookCommands().values().stream().filter(h -> !running.contains(h)).toList();
        if (running.isEmpty()) {
            // Passed everywhere while paused: what comes next waits for resume.
            return name + " hook passed on " + String.join(", ", passed);
        }
        return name + " hook running on " + String.join(", ", running)
                + (passed.isEmpty() ? "" : "; passed on " + String.join(", ", passed));
    }

    /** The deadline open now, or null when none is. */
    public Instant deadline() {
        if (phase == Phase.ROLLING || phase == Phase.PAUSED) {
            Instant hook = hookDeadline();
            if (hook != null) {
                return hook;
            }
        }
        return switch (phase) {
            case ROLLING, PAUSED -> stepDone || batch < 0 ? null : batchDeadline();
            case ROLLING_BACK -> rollbackDeadline();
            default -> null;
        };
    }

    public Map<String, HostGate> gates() {
        return Collections.unmodifiableMap(gates);
    }

    HostGate gate(String hostId) {
        return gates.get(hostId);
    }

    public Set<String> updatedHosts() {
        return Collections.unmodifiableSet(updatedHosts);
    }

    /** Hosts of the current batch that could not start the new version, with the executor's reason. */
    public Map<String, HostEvent.CommandFailed> startFailures() {
        return Collections.unmodifiableMap(startFailures);
    }

    /** Hosts whose rollback failed, with the executor's reason. */
    public Map<String, HostEvent.CommandFailed> rollbackFailures() {
        return Collections.unmodifiableMap(rollbackFailures);
    }

    public Set<String> awaitingRollback() {
        return Collections.unmodifiableSet(awaitingRollback);
    }

    public List<String> rolledBackHosts() {
        return Collections.unmodifiableList(rolledBackHosts);
    }

    public String lastRollbackConfirmationId() {
        return lastRollbackConfirmationId;
    }

    public Instant rollingBackAt() {
        return rollingBackAt;
    }

    public String rollingBackEventId() {
        return rollingBackEventId;
    }

    /** The id of this deployment's latest event: what a planner's resumption chains to. */
    public String lastEventId() {
        return lastEventId;
    }

    public String reason() {
        return reason;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    /** Whether the current step is done (its batch completed, or its wait promoted): what comes next may start. */
    public boolean stepDone() {
        return stepDone;
    }

    /** The plan: every batch, timed pause and approval, in order. */
    public List<PlannedStep> plan() {
        return plan;
    }

    /** The current step's index in the plan, 0-based; -1 before the first. */
    public int step() {
        return step;
    }

    /** The current step, or null before the first. */
    public PlannedStep currentStep() {
        return step < 0 ? null : plan.get(step);
    }

    /** Whether a full promote skips every pause and approval step still ahead. */
    public boolean skipsWaits() {
        return skipWaits;
    }

    /** When the timed pause under way ends (its start + duration + the planner's downtime since); null otherwise. */
    public Instant waitingUntil() {
        return phase != Phase.WAITING || waitDurationMs == null ? null
                : waitStartedAt.plusMillis(waitDurationMs).plusMillis(waitExtendedByMs);
    }

    /** The index in the plan of batch {@code batch} (0-based among the batches). */
    int stepOfBatch(int batch) {
        int seen = -1;
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).isBatch() && ++seen == batch) {
                return i;
            }
        }
        throw new IllegalArgumentException("the plan of " + id() + " has no batch " + batch);
    }

    /** How many batch steps come before step {@code index}: the batch number of a batch step. */
    int batchNumberOf(int index) {
        return (int) plan.subList(0, index).stream().filter(PlannedStep::isBatch).count();
    }

    /** Whether an operator's abort started the rollback under way. */
    public boolean aborting() {
        return aborting;
    }

    /** Who aborted it, while {@link #aborting()}. */
    public String abortedBy() {
        return abortedBy;
    }

    /** Who paused it, while PAUSED. */
    public String pausedBy() {
        return pausedBy;
    }

    public String pauseReason() {
        return pauseReason;
    }

    /** Whether this deployment already acted on the operator control {@code controlId}. */
    public boolean actedOn(String controlId) {
        return controlIds.contains(controlId);
    }

    public Set<String> controlIds() {
        return Collections.unmodifiableSet(controlIds);
    }

    public boolean allGatesPassed() {
        return !gates.isEmpty() && gates.values().stream().allMatch(HostGate::passed);
    }

    /** The judgement taken in for the current batch, if any. */
    public Optional<DeploymentEvent.Judged> judgement() {
        return Optional.ofNullable(judgements.get(batch));
    }

    /** The judgement taken in for batch {@code batch}, if any. */
    public Optional<DeploymentEvent.Judged> judgementOf(int batch) {
        return Optional.ofNullable(judgements.get(batch));
    }

    /**
     * Whether the current batch has the evidence it needs to complete: a healthy judgement, or an
     * inconclusive one the policy passes (or an operator resumed after).
     */
    public boolean evidenceSettled() {
        return judgements.containsKey(batch) && !evidenceHold;
    }

    /**
     * When the planner judges the current batch inconclusive itself because no judgement came: the
     * batch's start + the policy's evidence wait + {@link #EVIDENCE_SLACK_MS} + the planner's downtime since.
     */
    public Instant evidenceDeadline() {
        return batchStartedAt == null ? null : batchStartedAt.plusMillis(policy().evidenceWaitMs())
                .plusMillis(EVIDENCE_SLACK_MS).plusMillis(batchExtendedByMs);
    }

    /**
     * How long past the policy's evidence wait the planner waits for the breach-detector's own
     * inconclusive judgement before it records one itself: the detector judges on its own clock and
     * its punctuation runs every few seconds, so it may be a little late without being gone.
     */
    public static final long EVIDENCE_SLACK_MS = 30_000;
}
