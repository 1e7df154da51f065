package io.kanary.planner.state;

import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.Hooks;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.PlannedStep;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.RollbackCommand;
import io.kanary.security.RunAllowList;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The deployment state machine. It takes inputs (requests, host events, instance health, rollback
 * commands, the passing of time) and returns what to publish; it does no I/O, so it is tested
 * directly and the Kafka loop around it stays thin.
 *
 * <p>Every deployment event it emits is applied to its own state at once, through the same
 * {@link #apply} that replays deploy.events after a restart: a replayed planner and a live one
 * cannot disagree. Host events only update state ({@link #observe}); the transitions they make
 * due are taken by {@link #advance}, which is also run on every tick, so a restart that finds a
 * transition due (say, every host already confirmed its rollback) takes it then.
 *
 * <p>Deadlines count only the time kanary was awake: after a restart, {@link #resume} tells the
 * planner when it was last awake, and its first decision records a {@code deployment.deadlines-extended}
 * for every active deployment, which moves their open deadlines later by the downtime (replayed
 * like every other event). Executors are judged by their heartbeats on the same clock: a host is
 * gone after {@value Fleet.Heartbeat#MISSED_TO_BE_GONE} missed intervals counted from the later of
 * its last heartbeat and the planner's own resumption.
 */
public final class Planner {
    public static final String SOURCE = "/kanary/planner";
    public static final String BY_PLANNER = "planner";
    public static final String BY_DETECTOR = "breach-detector";

    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, Deployment> activeByService = new HashMap<>();
    private final Fleet fleet = new Fleet();
    private final ServiceQueues queues = new ServiceQueues();
    private final Map<String, List<Revision>> revisions = new LinkedHashMap<>();
    /** What changed since the last {@link #takeChanges}: what a view of the state must copy again. */
    private Changes changes = new Changes(new LinkedHashSet<>(), false, false, false);
    private final RunAllowList allowList;
    /** Whether a batch whose gates passed waits for a judgement before it completes (promote on evidence). */
    private final boolean requireEvidence;

    /** A planner that lets requests run what {@code allowList} allows (requests from Kafka skip the API's check). */
    public Planner(RunAllowList allowList) {
        this(allowList, false);
    }

    /**
     * @param requireEvidence whether each batch, its gates passed, also waits for the breach-detector's
     *                        judgement (healthy, or inconclusive after the policy's evidence wait) before it completes
     */
    public Planner(RunAllowList allowList, boolean requireEvidence) {
        this.allowList = allowList;
        this.requireEvidence = requireEvidence;
    }

    /** A planner for tests of the state machine alone: any executable or image may run. */
    public Planner() {
        this(RunAllowList.ANYTHING);
    }
    /** The time of the latest deployment event, all of which the planner writes: a sign it was awake then. */
    private Instant lastRecordedAt;
    /** Set by {@link #resume}: the planner's last sign of being awake before this start. */
    private Instant downSince;
    /** Set by {@link #resume}: the deployments whose deadlines the downtime extends, until their first decision records it. */
    private final List<String> toExtend = new ArrayList<>();
    /** When this planner resumed after its last start; null when it never did (liveness then has no allowance). */
    private Instant awakeSince;

    // ---- replay and observation: state only, nothing emitted ----

    public void apply(DeploymentEvent event) {
        changes.deployments().add(event.deploymentId());
        if (event instanceof DeploymentEvent.Queued || event instanceof DeploymentEvent.Cancelled
                || event instanceof DeploymentEvent.Started || event instanceof DeploymentEvent.Succeeded) {
            // Queue positions shift for the whole queue; a success adds a revision.
            changes = changes.with(true, event instanceof DeploymentEvent.Succeeded, false);
        }
        if (event.at() != null && (lastRecordedAt == null || event.at().isAfter(lastRecordedAt))) {
            lastRecordedAt = event.at();
        }
        if (event instanceof DeploymentEvent.Started started) {
            Deployment deployment = new Deployment(started);
            deployments.put(started.deploymentId(), deployment);
            activeByService.put(started.service(), deployment);
            queues.remove(started.deploymentId());
            return;
        }
        if (event instanceof DeploymentEvent.Queued queued) {
            queues.apply(queued);
            return;
        }
        if (event instanceof DeploymentEvent.Cancelled cancelled) {
            queues.cancel(cancelled);
            return;
        }
        Deployment deployment = deployments.get(event.deploymentId());
        if (deployment == null) {
            return; // history of a deployment whose start was compacted away: nothing to rebuild
        }
        deployment.apply(event);
        if (event.isTerminal()) {
            activeByService.remove(deployment.service(), deployment);
        }
        if (event instanceof DeploymentEvent.Succeeded succeeded) {
            List<Revision> ofService = revisions.computeIfAbsent(deployment.service(), s -> new ArrayList<>());
            DeploymentEvent.Started s = deployment.started();
            if (ofService.stream().anyMatch(r -> r.deploymentId().equals(s.deploymentId()))) {
                return; // the same success read twice is one revision, or every later number would shift
            }
            ofService.add(new Revision(ofService.size() + 1, s.deploymentId(), s.version(), s.run(), s.policy(),
                    s.hosts(), succeeded.at()));
        }
    }

    /** A host event read in replay. */
    public void observe(HostEvent event) {
        observe(event, event.at());
    }

    /**
     * @param seenAt when the host said it happened, capped at the planner's clock: a heartbeat read late (a
     *               backlog after a restart) must not make a dead executor look alive, and a clock running
     *               ahead must not buy an executor time; replay and live reading then agree
     */
    private void observe(HostEvent event, Instant seenAt) {
        fleet.apply(event, seenAt);
        changes = changes.with(false, false, true);
        if (event instanceof HostEvent.InstanceEvent instanceEvent && instanceEvent.deploymentId() != null) {
            Deployment deployment = deployments.get(instanceEvent.deploymentId());
            if (deployment != null) {
                deployment.observe(instanceEvent);
                changes.deployments().add(deployment.id());
            }
        }
    }

    /**
     * A host as a snapshot of the fleet held it, in replay before the host events read after the
     * snapshot (which apply on top, as they would on the state they were first read into).
     */
    public void restore(Fleet.HostState host) {
        fleet.restore(host);
        changes = changes.with(false, false, true);
    }

    /**
     * Called once after a replay, before the first decision: the planner was last awake at
     * {@code lastAwake} (the latest record it consumed, if known) or at its latest own record,
     * whichever is later, and is awake again from {@code now}. Its first decision then extends
     * the open deadlines of every deployment active now by the time in between, and every
     * executor gets a fresh allowance of heartbeats from {@code now}.
     */
    public void resume(Instant lastAwake, Instant now) {
        awakeSince = now;
        downSince = latest(lastAwake, lastRecordedAt);
        toExtend.clear();
        activeByService.values().forEach(d -> toExtend.add(d.id()));
    }

    /** The first decision after {@link #resume}: records the downtime on every deployment that was active then. */
    private void catchUp(Instant now, List<Emission> out) {
        if (toExtend.isEmpty()) {
            return;
        }
        List<String> ids = List.copyOf(toExtend);
        toExtend.clear();
        if (downSince == null || !now.isAfter(downSince)) {
            return;
        }
        long downtimeMs = Duration.between(downSince, now).toMillis();
        for (String id : ids) {
            Deployment d = deployments.get(id);
            if (d.phase().isActive()) {
                emit(out, new DeploymentEvent.DeadlinesExtended(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(),
                        d.service(), downSince, downtimeMs, now), d.lastEventId());
            }
        }
    }

    // ---- decisions ----

    /**
     * A deploy request: starts the deployment and commands its first batch, queues it behind the
     * service's active deployment (or the deployment it needs), supersedes the active one, or says why not.
     */
    public Result onRequest(DeployRequest request, Instant now) {
        List<Violation> violations = RequestValidator.validate(request, allowList);
        if (!violations.isEmpty()) {
            return Result.rejected(Rejection.invalid(violations));
        }
        String id = request.effectiveDeploymentId();
        if (deployments.containsKey(id) || queues.knows(id)) {
            return Result.rejected(Rejection.conflict("deployment id " + id + " was used before"));
        }
        Optional<Rejection> needs = needsRefusal(request);
        if (needs.isPresent()) {
            return Result.rejected(needs.get());
        }
        Deployment active = activeByService.get(request.service());
        boolean queueAhead = queues.heads().containsKey(request.service());
        if (active != null || queueAhead || waitsForNeeds(request)) {
            return busy(request, active, now);
        }
        Optional<Rejection> conflict = checkAgainstState(request, now);
        if (conflict.isPresent()) {
            return Result.rejected(conflict.get());
        }
        List<Emission> out = new ArrayList<>();
        start(request, request.eventId(), now, out);
        return Result.accepted(out);
    }

    /** The service is busy (or the needed deployment is not done): queue, refuse or supersede, as the request asks. */
    private Result busy(DeployRequest request, Deployment active, Instant now) {
        String mode = request.effectiveOnBusy();
        if (DeployRequest.REFUSE.equals(mode) && active != null) {
            return Result.rejected(Rejection.conflict("service " + request.service() + " already has an active deployment, "
                    + active.id() + " (" + active.version() + ", " + active.phase() + "); wait for it to end or roll it back"));
        }
        Optional<Rejection> unknown = unknownHosts(request);
        if (unknown.isPresent()) {
            return Result.rejected(unknown.get());
        }
        boolean supersede = DeployRequest.SUPERSEDE.equals(mode) && active != null;
        List<Emission> out = new ArrayList<>();
        DeploymentEvent.Queued queued = new DeploymentEvent.Queued(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                request.effectiveDeploymentId(), request.service(), request, supersede, now);
        emit(out, queued, request.eventId());
        if (supersede && (active.phase() == Phase.ROLLING || active.phase() == Phase.WAITING
                || active.phase() == Phase.PAUSED)) {
            String by = request.requestedBy() == null ? BY_PLANNER : request.requestedBy();
            // Chained to its own history (the reason names the request that superseded it), so the audit walks
            // each deployment back to its own request.
            startRollback(active, "superseded by " + queued.deploymentId() + " (" + request.version() + ")", null, by,
                    active.lastEventId(), now, out, true, null);
        }
        return Result.accepted(out);
    }

    /** A request whose needed deployment is unknown or ended other than SUCCEEDED can never start. */
    private Optional<Rejection> needsRefusal(DeployRequest request) {
        if (request.needs() == null) {
            return Optional.empty();
        }
        Deployment needed = deployments.get(request.needs());
        if (needed == null && queues.queued(request.needs()).isEmpty()) {
            Violation v = new Violation("needs", "no deployment " + request.needs() + "; name one that exists");
            return Optional.of(Rejection.invalid(List.of(v)));
        }
        if (needed != null && !needed.phase().isActive() && needed.phase() != Phase.SUCCEEDED) {
            Violation v = new Violation("needs", request.needs() + " ended " + needed.phase() + ", not SUCCEEDED; "
                    + "deploy after one that succeeded");
            return Optional.of(Rejection.invalid(List.of(v)));
        }
        return Optional.empty();
    }

    private boolean waitsForNeeds(DeployRequest request) {
        if (request.needs() == null) {
            return false;
        }
        Deployment needed = deployments.get(request.needs());
        return needed == null || needed.phase().isActive();
    }

    /** Starts {@code request}: its plan over the target hosts, recorded in deployment.started, then its first step. */
    private void start(DeployRequest request, String causeId, Instant now, List<Emission> out) {
        List<String> hosts = targetHosts(request, now);
        Map<String, String> previous = new LinkedHashMap<>();
        hosts.forEach(h -> {
            String v = fleet.versionOn(h, request.service());
            if (v != null) {
                previous.put(h, v);
            }
        });
        List<PlannedStep> plan = StepPlanner.plan(hosts, request);
        DeploymentEvent.Started started = new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                request.effectiveDeploymentId(), request.service(), request.version(), baseline(previous.values()),
                previous, request.run(), request.policy(), StepPlanner.batches(plan), request.requestedBy(), now,
                plan, request.kind(), request.cause(), request.hooks());
        emit(out, started, causeId);
        Deployment deployment = deployments.get(started.deploymentId());
        if (deployment.awaitingPreDeploy()) {
            // In the transaction of deployment.started: the first batch waits for the hook's report.
            String host = deployment.awaitedHookCommands().values().iterator().next();
            sendHook(deployment, deployment.awaitedHookCommands().keySet().iterator().next(), host, "pre-deploy",
                    request.hooks().preDeploy().command(), List.of(), deployment.awaitedHookTimeoutMs(),
                    started.eventId(), now, out);
        } else {
            proceedFrom(deployment, 0, started.eventId(), now, out);
        }
    }

    private void sendHook(Deployment d, String commandId, String host, String hook, List<String> command,
                          List<HealthCheck.Http> http, long timeoutMs, String causeId, Instant now, List<Emission> out) {
        // What the hook is for, so a backup or a smoke test can name the version it runs for.
        Map<String, String> env = Map.of("KANARY_DEPLOYMENT_ID", d.id(), "KANARY_SERVICE", d.service(),
                "KANARY_VERSION", d.version());
        HostCommand.RunHook run = new HostCommand.RunHook(commandId, KanaryEvent.SCHEMA_VERSION, host, d.id(),
                d.service(), hook, command, http, env, timeoutMs, now);
        out.add(new Emission(Topics.HOST_COMMANDS, host, run, causeId));
    }

    /**
     * Starts the head of every service queue that is free to go (no active deployment, its needed
     * deployment succeeded), in the same transaction as the event that freed it; a head that can never
     * start (its needed deployment failed, its hosts are gone) is cancelled with the reason.
     */
    private void drainQueues(Instant now, List<Emission> out) {
        for (Map.Entry<String, List<DeploymentEvent.Queued>> entry : queues.heads().entrySet()) {
            if (activeByService.containsKey(entry.getKey())) {
                continue;
            }
            DeploymentEvent.Queued head = entry.getValue().get(0);
            DeployRequest request = head.request();
            if (waitsForNeeds(request) && deployments.get(request.needs()) != null) {
                continue;
            }
            Optional<Rejection> refusal = needsRefusal(request);
            if (refusal.isEmpty() && waitsForNeeds(request)) {
                continue; // the needed deployment is still queued itself
            }
            if (refusal.isEmpty()) {
                refusal = checkAgainstState(request, now);
            }
            // Caused by its own queued event, so its chain leads back to its own request; the end that freed
            // the way is in the same transaction.
            if (refusal.isPresent()) {
                emit(out, new DeploymentEvent.Cancelled(Ids.newId(), KanaryEvent.SCHEMA_VERSION, head.deploymentId(),
                        head.service(), BY_PLANNER, "could not start: " + refusal.get().detail(), null, now), head.eventId());
            } else {
                start(request, head.eventId(), now, out);
            }
        }
    }

    /** The named target hosts that never announced themselves, refused together (HTTP 422), if any. */
    private Optional<Rejection> unknownHosts(DeployRequest request) {
        List<Violation> unknown = request.hosts().stream().filter(h -> !fleet.isKnown(h))
                .map(h -> new Violation("hosts", "unknown host " + h + "; known hosts: " + fleet.knownHosts()))
                .toList();
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Rejection.unknownHosts(unknown.size() + " target host(s) never announced themselves: "
                + unknown.stream().map(Violation::rule).collect(Collectors.joining("; ")), unknown));
    }

    /** Why a valid request cannot start now (HTTP 409/422), if it cannot. */
    public Optional<Rejection> checkAgainstState(DeployRequest request, Instant now) {
        Deployment active = activeByService.get(request.service());
        if (active != null) {
            return Optional.of(Rejection.conflict("service " + request.service() + " already has an active deployment, "
                    + active.id() + " (" + active.version() + ", " + active.phase() + "); wait for it to end or roll it back"));
        }
        if (deployments.containsKey(request.effectiveDeploymentId())
                || queues.cancelled(request.effectiveDeploymentId()).isPresent()) {
            return Optional.of(Rejection.conflict("deployment id " + request.effectiveDeploymentId() + " was used before"));
        }
        Optional<Rejection> unknown = unknownHosts(request);
        if (unknown.isPresent()) {
            return unknown;
        }
        String hookHost = request.hooks() == null || request.hooks().preDeploy() == null ? null
                : request.hooks().preDeploy().host();
        if (hookHost != null && !fleet.isKnown(hookHost)) {
            Violation v = new Violation("hooks.preDeploy.host", "unknown host " + hookHost + "; known hosts: "
                    + fleet.knownHosts());
            return Optional.of(Rejection.unknownHosts(v.rule(), List.of(v)));
        }
        if (targetHosts(request, now).isEmpty() && !request.hostSelector().isEmpty()) {
            Violation v = new Violation("hostSelector", "no live host has the labels " + request.hostSelector()
                    + "; executors announce labels from KANARY_HOST_LABELS (known hosts: " + fleet.knownHosts() + ")");
            return Optional.of(Rejection.unknownHosts(v.rule(), List.of(v)));
        }
        if (targetHosts(request, now).isEmpty()) {
            Violation v = new Violation("hosts", "no host runs " + request.service() + " now; name the target hosts (known: "
                    + fleet.knownHosts() + ")");
            return Optional.of(Rejection.unknownHosts(v.rule(), List.of(v)));
        }
        List<Violation> gone = targetHosts(request, now).stream().filter(h -> isGone(h, now))
                .map(h -> new Violation("hosts", goneReason(h, now))).toList();
        if (!gone.isEmpty()) {
            return Optional.of(Rejection.goneHosts(gone.size() + " target host(s) have lost their executor: "
                    + gone.stream().map(Violation::rule).collect(Collectors.joining("; "))
                    + "; start an executor for them or leave them out of hosts", gone));
        }
        return Optional.empty();
    }

    public List<Emission> onHostEvent(HostEvent event, Instant now) {
        List<Emission> out = new ArrayList<>();
        catchUp(now, out);
        observe(event, event.at() == null || event.at().isAfter(now) ? now : event.at());
        if (event instanceof HostEvent.InstanceEvent instanceEvent && instanceEvent.deploymentId() != null) {
            Deployment deployment = deployments.get(instanceEvent.deploymentId());
            if (deployment != null && deployment.phase().isActive()) {
                advance(deployment, now, out);
            }
        }
        return out;
    }

    /** Where an instance's probes stand (instance.health): the health gate of its host, if it is gating, takes it in. */
    public List<Emission> onInstanceHealth(InstanceHealth health, Instant now) {
        List<Emission> out = new ArrayList<>();
        catchUp(now, out);
        Deployment deployment = activeByService.get(health.service());
        // A paused deployment's batch still finishes its gates.
        if (deployment == null || !(deployment.phase() == Phase.ROLLING || deployment.phase() == Phase.PAUSED)
                || !deployment.version().equals(health.version())
                || deployment.gate(health.hostId()) == null) {
            return out;
        }
        deployment.gate(health.hostId()).observe(health, deployment.policy());
        changes.deployments().add(deployment.id());
        advance(deployment, now, out);
        return out;
    }

    /** A rollback command from the breach-detector or an operator; ignored for a deployment that is over. */
    public List<Emission> onRollback(RollbackCommand command, Instant now) {
        List<Emission> out = new ArrayList<>();
        catchUp(now, out);
        Deployment deployment = deployments.get(command.deploymentId());
        if (deployment == null || !(deployment.phase() == Phase.ROLLING || deployment.phase() == Phase.PAUSED
                || deployment.phase() == Phase.WAITING)) {
            return out;
        }
        String by = command.operator() != null ? command.operator() : BY_DETECTOR;
        startRollback(deployment, command.reason(), command.breachId(), by, command.eventId(), now, out);
        return out;
    }

    /**
     * An operator's control. Refused (409, naming the phase) when it does not apply to the deployment's
     * phase; a control this deployment already acted on (same event id) is accepted again and acts no
     * second time. Emissions may be non-empty even when refused (the downtime a first decision records).
     */
    public Result onControl(ControlCommand control, Instant now) {
        List<Emission> out = new ArrayList<>();
        catchUp(now, out);
        Deployment d = deployments.get(control.deploymentId());
        if (d == null && queues.knows(control.deploymentId())) {
            return onQueuedControl(control, now, out);
        }
        if (d == null || (control.service() != null && !control.service().equals(d.service()))) {
            return new Result(out, Rejection.unknownDeployment("No deployment " + control.deploymentId()
                    + (control.service() == null ? "" : " of service " + control.service())));
        }
        if (d.actedOn(control.eventId())) {
            return Result.accepted(out);
        }
        Optional<Rejection> refusal = ControlRules.check(control, d);
        if (refusal.isPresent()) {
            return new Result(out, refusal.get());
        }
        String reason = control.reason() == null || control.reason().isBlank() ? null : control.reason();
        switch (control.action()) {
            case PAUSE -> emit(out, new DeploymentEvent.Paused(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    control.by(), now, reason, control.eventId()), control.eventId());
            case RESUME -> {
                emit(out, new DeploymentEvent.Resumed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                        control.by(), now, reason, control.eventId()), control.eventId());
                advance(d, now, out);
            }
            case ABORT -> startRollback(d, "aborted by " + control.by() + (reason == null ? "" : ": " + reason), null,
                    control.by(), control.eventId(), now, out, true, control.eventId());
            case PROMOTE -> {
                emit(out, new DeploymentEvent.Promoted(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                        control.isFull(), control.by(), reason, control.eventId(), now), control.eventId());
                advance(d, now, out);
            }
            case CANCEL -> throw new IllegalStateException("ControlRules lets no cancel through without a queue");
        }
        return Result.accepted(out);
    }

    /** A control of a deployment that never started: only cancel applies, and only while it is queued. */
    private Result onQueuedControl(ControlCommand control, Instant now, List<Emission> out) {
        Optional<ServiceQueues.Cancelled> cancelled = queues.cancelled(control.deploymentId());
        if (cancelled.isPresent() && control.eventId().equals(cancelled.get().cancelled().controlId())) {
            return Result.accepted(out);
        }
        Phase phase = cancelled.isPresent() ? Phase.CANCELLED : Phase.QUEUED;
        if (phase != Phase.QUEUED || control.action() != ControlCommand.Action.CANCEL) {
            return new Result(out, Rejection.notApplicable(ControlRules.refusal(control.action(), control.isFull(),
                    control.deploymentId(), phase), phase));
        }
        DeploymentEvent.Queued queued = queues.queued(control.deploymentId()).orElseThrow();
        emit(out, new DeploymentEvent.Cancelled(Ids.newId(), KanaryEvent.SCHEMA_VERSION, queued.deploymentId(),
                queued.service(), control.by(), control.reason() == null || control.reason().isBlank() ? null
                : control.reason(), control.eventId(), now), control.eventId());
        return Result.accepted(out);
    }

    /** The passing of time: health deadlines, and transitions a replay found due. */
    public List<Emission> onTick(Instant now) {
        List<Emission> out = new ArrayList<>();
        catchUp(now, out);
        for (Deployment deployment : List.copyOf(activeByService.values())) {
            advance(deployment, now, out);
        }
        return out;
    }

    // ---- transitions ----

    private void advance(Deployment d, Instant now, List<Emission> out) {
        if (d.phase() == Phase.PAUSED && !d.stepDone()) {
            // The current batch finishes its gates (or misses its deadline, or is rolled back); nothing new starts.
            advanceRolling(d, now, out);
        } else if (d.phase() == Phase.ROLLING && d.stepDone()) {
            // Resumed after the batch completed while paused, or a wait was promoted: go on with the next step.
            proceedFrom(d, d.step() + 1, d.lastEventId(), now, out);
        } else if (d.phase() == Phase.ROLLING) {
            advanceRolling(d, now, out);
        } else if (d.phase() == Phase.WAITING && d.waitingUntil() != null && now.isAfter(d.waitingUntil())) {
            proceedFrom(d, d.step() + 1, d.lastEventId(), now, out);
        } else if (d.phase() == Phase.ROLLING_BACK) {
            advanceRollingBack(d, now, out);
        }
    }

    private void advanceRolling(Deployment d, Instant now, List<Emission> out) {
        if (d.awaitingPreDeploy()) {
            advanceHook(d, now, out);
            return;
        }
        List<String> gone = d.unansweredDeploys().stream().filter(h -> isGone(h, now)).toList();
        if (!d.startFailures().isEmpty()) {
            HostEvent.CommandFailed failed = d.startFailures().values().iterator().next();
            startRollback(d, failed.hostId() + " could not run " + d.version() + ": " + failed.reason(), null,
                    BY_PLANNER, failed.eventId(), now, out);
        } else if (d.smokeRequested()) {
            advanceHook(d, now, out);
        } else if (d.allGatesPassed() && !evidenceAllows(d)) {
            awaitEvidence(d, now, out);
        } else if (d.allGatesPassed()) {
            String lastProbe = d.gates().values().stream().map(HostGate::passedByProbeId).reduce((a, b) -> b).orElseThrow();
            Hooks.Smoke smoke = d.started().hooks() == null ? null : d.started().hooks().smoke();
            if (smoke == null) {
                completeBatch(d, lastProbe, now, out);
            } else {
                requestSmoke(d, smoke, lastProbe, now, out);
            }
        } else if (!gone.isEmpty()) {
            startRollback(d, gone.stream().map(h -> goneReason(h, now)).collect(Collectors.joining("; "))
                    + "; " + String.join(", ", gone) + " never answered the deploy of " + d.version(), null, BY_PLANNER,
                    d.batchCauseId(), now, out);
        } else if (d.batchDeadline() != null && now.isAfter(d.batchDeadline())) {
            String waiting = d.gates().values().stream().filter(g -> !g.passed()).map(g -> g.progress(d.policy()))
                    .collect(Collectors.joining("; "));
            startRollback(d, "batch " + (d.batch() + 1) + "/" + d.batchCount() + " not healthy within "
                    + d.policy().healthDeadlineMs() / 1000.0 + "s (" + waiting + ")", null, BY_PLANNER, d.batchCauseId(), now, out);
        }
    }

    /**
     * The batch's gates passed and it waits for its judgement. No judgement by the evidence deadline
     * means no breach-detector judged it (none runs, or it is stuck): the planner records the batch
     * inconclusive itself, naming that, and the policy's onInconclusive decides, so nothing waits forever.
     */
    private void awaitEvidence(Deployment d, Instant now, List<Emission> out) {
        if (!requireEvidence || d.judgement().isPresent() || !now.isAfter(d.evidenceDeadline())) {
            return; // judged and held for an operator, or still in time
        }
        long waitedMs = Duration.between(d.batchStartedAt(), now).toMillis();
        String summary = "no judgement from the breach-detector within " + (d.policy().evidenceWaitMs()
                + Deployment.EVIDENCE_SLACK_MS) / 1000.0 + "s of batch " + (d.batch() + 1) + "/" + d.batchCount()
                + "'s start; is the breach-detector running? (judged inconclusive by the planner after " + waitedMs / 1000
                + "s)";
        judged(d, DeploymentEvent.Judged.INCONCLUSIVE, null, BY_PLANNER, summary, d.batchCauseId(), now, out);
    }

    /**
     * Whether the current batch may complete as far as evidence goes: its judgement settled it, or
     * evidence is not required and no inconclusive judgement holds it for an operator.
     */
    private boolean evidenceAllows(Deployment d) {
        return d.evidenceSettled() || !requireEvidence && d.judgement().isEmpty();
    }

    /**
     * A judgement of a batch from the breach-detector. Taken in once, for the active deployment's
     * current batch only: a duplicate, a judgement of another batch or of a deployment that is over
     * changes nothing.
     */
    public List<Emission> onJudgement(Judgement judgement, Instant now) {
        List<Emission> out = new ArrayList<>();
        catchUp(now, out);
        if (judgement instanceof Judgement.Progress) {
            return out; // advisory: how far the evidence has got, for people; it decides nothing
        }
        Deployment d = deployments.get(judgement.deploymentId());
        if (d == null || !(d.phase() == Phase.ROLLING || d.phase() == Phase.PAUSED)
                || judgement.batch() != d.batch() || d.stepDone() || d.judgement().isPresent()
                || !d.version().equals(judgement.version())) {
            return out;
        }
        boolean healthy = judgement instanceof Judgement.Healthy;
        String by = judgement instanceof Judgement.Inconclusive i && i.by() != null ? i.by() : BY_DETECTOR;
        judged(d, healthy ? DeploymentEvent.Judged.HEALTHY : DeploymentEvent.Judged.INCONCLUSIVE, judgement.eventId(),
                by, judgement.summary(), judgement.eventId(), now, out);
        return out;
    }

    /** Records the judgement on deploy.events and acts on it: advance, or for an inconclusive one what the policy says. */
    private void judged(Deployment d, String verdict, String judgementId, String by, String summary, String causeId,
                        Instant now, List<Emission> out) {
        String sentence = summary == null || summary.isBlank() ? "batch " + (d.batch() + 1) + " judged " + verdict
                : summary;
        DeploymentEvent.Judged judged = new DeploymentEvent.Judged(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(),
                d.service(), d.batch(), verdict, judgementId, by, sentence, now);
        emit(out, judged, causeId);
        if (judged.isHealthy()) {
            advance(d, now, out);
            return;
        }
        String reason = "batch " + (d.batch() + 1) + "/" + d.batchCount() + " inconclusive: " + sentence;
        switch (d.policy().onInconclusive()) {
            case PASS -> advance(d, now, out);
            case PAUSE -> {
                if (d.phase() == Phase.ROLLING) {
                    emit(out, new DeploymentEvent.Paused(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                            by, now, reason, null), judged.eventId());
                }
            }
            case ROLLBACK -> startRollback(d, reason, null, by, judged.eventId(), now, out);
        }
    }

    /** The batch's gates passed: its smoke test goes to every host of the batch, and the batch completes when all pass. */
    private void requestSmoke(Deployment d, Hooks.Smoke smoke, String causeId, Instant now, List<Emission> out) {
        long timeoutMs = smoke.timeoutMs() == null ? Hooks.Smoke.DEFAULT_TIMEOUT_MS : smoke.timeoutMs();
        DeploymentEvent.HookRequested requested = new DeploymentEvent.HookRequested(Ids.newId(),
                KanaryEvent.SCHEMA_VERSION, d.id(), d.service(), "smoke batch " + (d.batch() + 1), d.batch(),
                d.currentBatchHosts(), timeoutMs, now);
        emit(out, requested, causeId);
        d.awaitedHookCommands().forEach((commandId, host) -> sendHook(d, commandId, host, requested.hook(),
                smoke.command(), smoke.http(), timeoutMs, requested.eventId(), now, out));
    }

    /** The awaited hook's reports: the first failure rolls back, all passed goes on, silence past the deadline fails. */
    private void advanceHook(Deployment d, Instant now, List<Emission> out) {
        Optional<HostEvent.HookFinished> failed = d.hookFailure();
        if (failed.isPresent()) {
            startRollback(d, HookReasons.failed(d.awaitedHookName(), failed.get()), null, BY_PLANNER,
                    failed.get().eventId(), now, out);
        } else if (d.hookPassed() && d.awaitingPreDeploy()) {
            proceedFrom(d, 0, d.lastHookReportId(), now, out);
        } else if (d.hookPassed()) {
            completeBatch(d, d.lastHookReportId(), now, out);
        } else if (!d.hookUnanswered().isEmpty() && d.hookUnanswered().stream().allMatch(h -> isGone(h, now))) {
            // Nobody serves the hosts that owe a report: say so now rather than at the hook's deadline.
            startRollback(d, d.awaitedHookName() + " hook: " + d.hookUnanswered().stream().map(h -> goneReason(h, now))
                    .collect(Collectors.joining("; ")) + "; " + String.join(", ", d.hookUnanswered())
                    + " never reported the hook", null, BY_PLANNER, d.awaitedHookCauseId(), now, out);
        } else if (now.isAfter(d.hookDeadline())) {
            startRollback(d, HookReasons.noAnswer(d.awaitedHookName(), d.hookUnanswered(), d.awaitedHookTimeoutMs(),
                    Deployment.HOOK_REPORT_SLACK_MS), null, BY_PLANNER, d.awaitedHookCauseId(), now, out);
        }
    }

    private void completeBatch(Deployment d, String causeId, Instant now, List<Emission> out) {
        List<String> hosts = d.currentBatchHosts();
        DeploymentEvent.BatchCompleted completed = new DeploymentEvent.BatchCompleted(Ids.newId(),
                KanaryEvent.SCHEMA_VERSION, d.id(), d.service(), d.batch(), hosts, now);
        emit(out, completed, causeId);
        // After a completed batch: the deployment succeeds, holds (paused), waits, or starts its next batch.
        proceedFrom(d, d.step() + 1, completed.eventId(), now, out);
    }

    /**
     * Takes the plan's step {@code index}: a batch starts, a timed pause or approval begins to wait (or
     * is skipped after a full promote), and past the last step the deployment succeeds. A paused
     * deployment starts nothing, but succeeds once no batch is left.
     */
    private void proceedFrom(Deployment d, int index, String causeId, Instant now, List<Emission> out) {
        List<PlannedStep> plan = d.plan();
        int next = index;
        while (next < plan.size() && plan.get(next).isWait() && d.skipsWaits()) {
            next++;
        }
        boolean batchesLeft = plan.subList(Math.min(next, plan.size()), plan.size()).stream().anyMatch(PlannedStep::isBatch);
        if (next >= plan.size() || d.phase() == Phase.PAUSED && !batchesLeft) {
            // Nothing is left to start, so even a paused deployment is done.
            emit(out, new DeploymentEvent.Succeeded(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    d.version(), now), causeId);
            return;
        }
        if (d.phase() == Phase.PAUSED) {
            return;
        }
        PlannedStep step = plan.get(next);
        if (step.isWait()) {
            Instant until = step.durationMs() == null ? null : now.plusMillis(step.durationMs());
            emit(out, new DeploymentEvent.Waiting(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(), next,
                    step.durationMs(), until, now), causeId);
            return;
        }
        int batch = d.batchNumberOf(next);
        List<String> gone = step.hosts().stream().filter(h -> isGone(h, now)).toList();
        if (gone.isEmpty()) {
            startBatch(d, batch, causeId, now, out);
        } else {
            // Commanding a host nobody serves would only wait out the deadline: stop here, naming it.
            startRollback(d, "batch " + (batch + 1) + "/" + d.batchCount() + " not started: "
                    + gone.stream().map(h -> goneReason(h, now)).collect(Collectors.joining("; ")), null, BY_PLANNER,
                    causeId, now, out);
        }
    }

    private void advanceRollingBack(Deployment d, Instant now, List<Emission> out) {
        if (!d.rollbackFailures().isEmpty()) {
            HostEvent.CommandFailed failed = d.rollbackFailures().values().iterator().next();
            emit(out, new DeploymentEvent.Failed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    failed.hostId() + " could not be rolled back: " + failed.reason(), now), failed.eventId());
        } else if (d.awaitingRollback().isEmpty() && d.aborting()) {
            emit(out, new DeploymentEvent.Aborted(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    d.abortedBy(), d.reason(), now), d.lastRollbackConfirmationId() != null
                    ? d.lastRollbackConfirmationId() : d.rollingBackEventId());
        } else if (d.awaitingRollback().isEmpty()) {
            emit(out, new DeploymentEvent.RolledBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    d.rolledBackHosts(), now), d.lastRollbackConfirmationId() != null ? d.lastRollbackConfirmationId()
                    : d.rollingBackEventId());
        } else if (d.awaitingRollback().stream().allMatch(h -> isGone(h, now))) {
            // Every host still owing a confirmation has lost its executor: say so now rather than at the deadline.
            emit(out, new DeploymentEvent.Failed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    d.awaitingRollback().stream().map(h -> h + " could not be rolled back: " + goneReason(h, now))
                            .collect(Collectors.joining("; "))
                            + "; the rollback waits on host.commands until an executor serves "
                            + String.join(", ", d.awaitingRollback()) + " again", now), d.rollingBackEventId());
        } else if (now.isAfter(d.rollbackDeadline())) {
            emit(out, new DeploymentEvent.Failed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    String.join(", ", d.awaitingRollback()) + " did not confirm the rollback within "
                            + d.policy().healthDeadlineMs() / 1000.0 + "s", now), d.rollingBackEventId());
        }
    }

    private void startBatch(Deployment d, int batch, String causeId, Instant now, List<Emission> out) {
        List<String> hosts = d.started().batches().get(batch);
        DeploymentEvent.BatchStarted started = new DeploymentEvent.BatchStarted(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                d.id(), d.service(), batch, hosts, now);
        emit(out, started, causeId);
        for (String host : hosts) {
            HostCommand.Deploy command = new HostCommand.Deploy(CommandIds.deploy(started.eventId(), host),
                    KanaryEvent.SCHEMA_VERSION, host, d.id(),
                    d.service(), d.version(), d.started().run(), now);
            out.add(new Emission(Topics.HOST_COMMANDS, host, command, started.eventId()));
        }
    }

    private void startRollback(Deployment d, String reason, String breachId, String by, String causeId, Instant now,
                               List<Emission> out) {
        startRollback(d, reason, breachId, by, causeId, now, out, false, null);
    }

    /**
     * @param abort     true for an operator's abort or a superseding request: the deployment then ends ABORTED
     * @param controlId the operator's control that asked for it, or null
     */
    private void startRollback(Deployment d, String reason, String breachId, String by, String causeId, Instant now,
                               List<Emission> out, boolean abort, String controlId) {
        // A host that could not start the new version never ran it: there is nothing to undo there.
        List<String> hosts = d.hostsToRollBack();
        DeploymentEvent.RollingBack rollingBack = new DeploymentEvent.RollingBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                d.id(), d.service(), reason, breachId, by, hosts, now, abort ? true : null, controlId);
        emit(out, rollingBack, causeId);
        for (String host : hosts) {
            HostCommand.Rollback command = new HostCommand.Rollback(CommandIds.rollback(rollingBack.eventId(), host),
                    KanaryEvent.SCHEMA_VERSION, host, d.id(),
                    d.service(), d.version(), d.started().previousVersions().get(host), now);
            out.add(new Emission(Topics.HOST_COMMANDS, host, command, rollingBack.eventId()));
        }
        if (hosts.isEmpty()) {
            advance(d, now, out);
        }
    }

    private void emit(List<Emission> out, DeploymentEvent event, String causeId) {
        apply(event);
        out.add(new Emission(Topics.DEPLOY_EVENTS, event.service(), event, causeId));
        if (event.isTerminal()) {
            // A queued request starts when the active deployment ends: in the same transaction as its end.
            drainQueues(event.at(), out);
        }
    }

    // ---- planning helpers ----

    private boolean isGone(String hostId, Instant now) {
        Fleet.Heartbeat heartbeat = fleet.heartbeatOf(hostId);
        // A host that never sent a heartbeat is served by an executor that predates them: usable, as before.
        return heartbeat != null && heartbeat.isGone(now, awakeSince);
    }

    private String goneReason(String hostId, Instant now) {
        return fleet.heartbeatOf(hostId).goneReason(hostId, now, awakeSince);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    /** The hosts named, or the live hosts whose labels match the selector, or every host running the service now. */
    private List<String> targetHosts(DeployRequest request, Instant now) {
        if (!request.hosts().isEmpty()) {
            return request.hosts();
        }
        if (!request.hostSelector().isEmpty()) {
            return fleet.hostsMatching(request.hostSelector()).stream().filter(h -> !isGone(h, now)).toList();
        }
        return List.copyOf(fleet.hostsRunning(request.service()));
    }

    static List<List<String>> batches(List<String> hosts, int batchSize) {
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i += batchSize) {
            batches.add(List.copyOf(hosts.subList(i, Math.min(hosts.size(), i + batchSize))));
        }
        return batches;
    }

    /** The version most target hosts run now: the stable version the new one is judged against. */
    static String baseline(Collection<String> versions) {
        return versions.stream().collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    // ---- queries ----

    public Optional<Deployment> deployment(String id) {
        return Optional.ofNullable(deployments.get(id));
    }

    public Collection<Deployment> deployments() {
        return Collections.unmodifiableCollection(deployments.values());
    }

    /** The deployments active now, one per service at most. */
    public Collection<Deployment> activeDeployments() {
        return Collections.unmodifiableCollection(activeByService.values());
    }

    /**
     * What changed since the last call (all of it, for a planner that was never asked), and starts
     * counting again: a view updates the deployments named rather than copying every one.
     */
    public Changes takeChanges() {
        Changes taken = changes;
        changes = new Changes(new LinkedHashSet<>(), false, false, false);
        return taken;
    }

    /**
     * @param deployments ids of the deployments (or queued requests) whose state changed
     * @param queues      whether any service's queue changed (positions shift for all its entries)
     * @param revisions   whether a deployment succeeded, adding a revision
     * @param fleet       whether a host event was taken in
     */
    public record Changes(Set<String> deployments, boolean queues, boolean revisions, boolean fleet) {
        Changes with(boolean queues, boolean revisions, boolean fleet) {
            return new Changes(deployments, this.queues || queues, this.revisions || revisions, this.fleet || fleet);
        }
    }

    public Optional<Deployment> active(String service) {
        return Optional.ofNullable(activeByService.get(service));
    }

    public Fleet fleet() {
        return fleet;
    }

    /** The requests waiting in each service's queue, in order: deployment id → (queued event, 1-based position). */
    public Map<String, QueuedView> queued() {
        Map<String, QueuedView> out = new LinkedHashMap<>();
        queues.allQueued().forEach(q -> out.put(q.deploymentId(), new QueuedView(q, queues.position(q.deploymentId()), null)));
        queues.allCancelled().forEach(c -> out.put(c.queued().deploymentId(), new QueuedView(c.queued(), 0, c.cancelled())));
        return out;
    }

    /** Every service's revisions (its deployments that succeeded), oldest first. */
    public Map<String, List<Revision>> revisions() {
        Map<String, List<Revision>> out = new LinkedHashMap<>();
        revisions.forEach((service, list) -> out.put(service, List.copyOf(list)));
        return out;
    }

    /** A deployment that has not started: queued (position from 1), or cancelled before it started. */
    public record QueuedView(DeploymentEvent.Queued queued, int position, DeploymentEvent.Cancelled cancelled) {
    }

    /** Whether the host's executor is gone at {@code now}, by its heartbeats; false for a host that never sent one. */
    public boolean isExecutorGone(String hostId, Instant now) {
        return isGone(hostId, now);
    }

    /** When this planner began deciding after its last start, or null before its first decision. */
    public Instant awakeSince() {
        return awakeSince;
    }

    /** The time of the latest deployment event applied. */
    public Instant lastRecordedAt() {
        return lastRecordedAt;
    }

    /** What a request led to: emissions to publish, or the reason it was refused. */
    public record Result(List<Emission> emissions, Rejection rejection) {
        static Result accepted(List<Emission> emissions) {
            return new Result(emissions, null);
        }

        static Result rejected(Rejection rejection) {
            return new Result(List.of(), rejection);
        }

        public boolean isAccepted() {
            return rejection == null;
        }
    }
}
