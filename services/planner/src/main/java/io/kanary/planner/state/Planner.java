package io.kanary.planner.state;

import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.security.RunAllowList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The deployment state machine. It takes inputs (requests, host events, probes, rollback
 * commands, the passing of time) and returns what to publish; it does no I/O, so it is tested
 * directly and the Kafka loop around it stays thin.
 *
 * <p>Every deployment event it emits is applied to its own state at once, through the same
 * {@link #apply} that replays deploy.events after a restart: a replayed planner and a live one
 * cannot disagree. Host events only update state ({@link #observe}); the transitions they make
 * due are taken by {@link #advance}, which is also run on every tick, so a restart that finds a
 * transition due (say, every host already confirmed its rollback) takes it then.
 */
public final class Planner {
    public static final String SOURCE = "/kanary/planner";
    public static final String BY_PLANNER = "planner";
    public static final String BY_DETECTOR = "breach-detector";

    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final Map<String, Deployment> activeByService = new HashMap<>();
    private final Fleet fleet = new Fleet();
    private final RunAllowList allowList;

    /** A planner that lets requests run what {@code allowList} allows (requests from Kafka skip the API's check). */
    public Planner(RunAllowList allowList) {
        this.allowList = allowList;
    }

    /** A planner for tests of the state machine alone: any executable or image may run. */
    public Planner() {
        this(RunAllowList.ANYTHING);
    }

    // ---- replay and observation: state only, nothing emitted ----

    public void apply(DeploymentEvent event) {
        if (event instanceof DeploymentEvent.Started started) {
            Deployment deployment = new Deployment(started);
            deployments.put(started.deploymentId(), deployment);
            activeByService.put(started.service(), deployment);
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
    }

    public void observe(HostEvent event) {
        fleet.apply(event);
        if (event instanceof HostEvent.InstanceEvent instanceEvent && instanceEvent.deploymentId() != null) {
            Deployment deployment = deployments.get(instanceEvent.deploymentId());
            if (deployment != null) {
                deployment.observe(instanceEvent);
            }
        }
    }

    // ---- decisions ----

    /** A deploy request: starts the deployment and commands its first batch, or says why not. */
    public Result onRequest(DeployRequest request, Instant now) {
        List<Violation> violations = RequestValidator.validate(request, allowList);
        if (!violations.isEmpty()) {
            return Result.rejected(Rejection.invalid(violations));
        }
        Optional<Rejection> conflict = checkAgainstState(request);
        if (conflict.isPresent()) {
            return Result.rejected(conflict.get());
        }
        List<String> hosts = targetHosts(request);
        Map<String, String> previous = new LinkedHashMap<>();
        hosts.forEach(h -> {
            String v = fleet.versionOn(h, request.service());
            if (v != null) {
                previous.put(h, v);
            }
        });
        DeploymentEvent.Started started = new DeploymentEvent.Started(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                request.effectiveDeploymentId(), request.service(), request.version(), baseline(previous.values()),
                previous, request.run(), request.policy(), batches(hosts, request.batchSize()), request.requestedBy(), now);
        List<Emission> out = new ArrayList<>();
        emit(out, started, request.eventId());
        startBatch(deployments.get(started.deploymentId()), 0, started.eventId(), now, out);
        return Result.accepted(out);
    }

    /** Why a valid request cannot start now (HTTP 409/422), if it cannot. */
    public Optional<Rejection> checkAgainstState(DeployRequest request) {
        Deployment active = activeByService.get(request.service());
        if (active != null) {
            return Optional.of(Rejection.conflict("service " + request.service() + " already has an active deployment, "
                    + active.id() + " (" + active.version() + ", " + active.phase() + "); wait for it to end or roll it back"));
        }
        if (deployments.containsKey(request.effectiveDeploymentId())) {
            return Optional.of(Rejection.conflict("deployment id " + request.effectiveDeploymentId() + " was used before"));
        }
        List<Violation> unknown = request.hosts().stream().filter(h -> !fleet.isKnown(h))
                .map(h -> new Violation("hosts", "unknown host " + h + "; known hosts: " + fleet.knownHosts()))
                .toList();
        if (!unknown.isEmpty()) {
            return Optional.of(Rejection.unknownHosts(unknown.size() + " target host(s) never announced themselves: "
                    + unknown.stream().map(Violation::rule).collect(Collectors.joining("; ")), unknown));
        }
        if (targetHosts(request).isEmpty()) {
            Violation v = new Violation("hosts", "no host runs " + request.service() + " now; name the target hosts (known: "
                    + fleet.knownHosts() + ")");
            return Optional.of(Rejection.unknownHosts(v.rule(), List.of(v)));
        }
        return Optional.empty();
    }

    public List<Emission> onHostEvent(HostEvent event, Instant now) {
        observe(event);
        if (event instanceof HostEvent.InstanceEvent instanceEvent && instanceEvent.deploymentId() != null) {
            Deployment deployment = deployments.get(instanceEvent.deploymentId());
            if (deployment != null && deployment.phase().isActive()) {
                List<Emission> out = new ArrayList<>();
                advance(deployment, now, out);
                return out;
            }
        }
        return List.of();
    }

    public List<Emission> onProbe(ProbeResult probe, Instant now) {
        Deployment deployment = activeByService.get(probe.service());
        if (deployment == null || deployment.phase() != Phase.ROLLING || !deployment.version().equals(probe.version())
                || deployment.gate(probe.hostId()) == null) {
            return List.of();
        }
        deployment.gate(probe.hostId()).observe(probe, deployment.policy());
        List<Emission> out = new ArrayList<>();
        advance(deployment, now, out);
        return out;
    }

    /** A rollback command from the breach-detector or an operator; ignored for a deployment that is over. */
    public List<Emission> onRollback(RollbackCommand command, Instant now) {
        Deployment deployment = deployments.get(command.deploymentId());
        if (deployment == null || !(deployment.phase() == Phase.ROLLING || deployment.phase() == Phase.PAUSED)) {
            return List.of();
        }
        List<Emission> out = new ArrayList<>();
        String by = command.operator() != null ? command.operator() : BY_DETECTOR;
        startRollback(deployment, command.reason(), command.breachId(), by, command.eventId(), now, out);
        return out;
    }

    /** The passing of time: health deadlines, and transitions a replay found due. */
    public List<Emission> onTick(Instant now) {
        List<Emission> out = new ArrayList<>();
        for (Deployment deployment : List.copyOf(activeByService.values())) {
            advance(deployment, now, out);
        }
        return out;
    }

    // ---- transitions ----

    private void advance(Deployment d, Instant now, List<Emission> out) {
        if (d.phase() == Phase.ROLLING) {
            advanceRolling(d, now, out);
        } else if (d.phase() == Phase.ROLLING_BACK) {
            advanceRollingBack(d, now, out);
        }
    }

    private void advanceRolling(Deployment d, Instant now, List<Emission> out) {
        if (!d.failures().isEmpty()) {
            HostEvent.CommandFailed failed = d.failures().values().iterator().next();
            startRollback(d, failed.hostId() + " could not run " + d.version() + ": " + failed.reason(), null,
                    BY_PLANNER, failed.eventId(), now, out);
        } else if (d.allGatesPassed()) {
            List<String> hosts = d.currentBatchHosts();
            String lastProbe = d.gates().values().stream().map(HostGate::passedByProbeId).reduce((a, b) -> b).orElseThrow();
            DeploymentEvent.BatchCompleted completed = new DeploymentEvent.BatchCompleted(Ids.newId(),
                    KanaryEvent.SCHEMA_VERSION, d.id(), d.service(), d.batch(), hosts, now);
            emit(out, completed, lastProbe);
            if (d.batch() + 1 < d.batchCount()) {
                startBatch(d, d.batch() + 1, completed.eventId(), now, out);
            } else {
                emit(out, new DeploymentEvent.Succeeded(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                        d.version(), now), completed.eventId());
            }
        } else if (d.batchStartedAt() != null
                && now.isAfter(d.batchStartedAt().plusMillis(d.policy().healthDeadlineMs()))) {
            String waiting = d.gates().values().stream().filter(g -> !g.passed()).map(g -> g.progress(d.policy()))
                    .collect(Collectors.joining("; "));
            startRollback(d, "batch " + (d.batch() + 1) + "/" + d.batchCount() + " not healthy within "
                    + d.policy().healthDeadlineMs() / 1000.0 + "s (" + waiting + ")", null, BY_PLANNER, d.batchCauseId(), now, out);
        }
    }

    private void advanceRollingBack(Deployment d, Instant now, List<Emission> out) {
        if (!d.failures().isEmpty()) {
            HostEvent.CommandFailed failed = d.failures().values().iterator().next();
            emit(out, new DeploymentEvent.Failed(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    failed.hostId() + " could not be rolled back: " + failed.reason(), now), failed.eventId());
        } else if (d.awaitingRollback().isEmpty()) {
            emit(out, new DeploymentEvent.RolledBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION, d.id(), d.service(),
                    d.rolledBackHosts(), now), d.lastRollbackConfirmationId());
        } else if (now.isAfter(d.rollingBackAt().plusMillis(d.policy().healthDeadlineMs()))) {
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
            HostCommand.Deploy command = new HostCommand.Deploy(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, d.id(),
                    d.service(), d.version(), d.started().run(), now);
            out.add(new Emission(Topics.HOST_COMMANDS, host, command, started.eventId()));
        }
    }

    private void startRollback(Deployment d, String reason, String breachId, String by, String causeId, Instant now,
                               List<Emission> out) {
        List<String> hosts = List.copyOf(d.updatedHosts());
        DeploymentEvent.RollingBack rollingBack = new DeploymentEvent.RollingBack(Ids.newId(), KanaryEvent.SCHEMA_VERSION,
                d.id(), d.service(), reason, breachId, by, hosts, now);
        emit(out, rollingBack, causeId);
        for (String host : hosts) {
            HostCommand.Rollback command = new HostCommand.Rollback(Ids.newId(), KanaryEvent.SCHEMA_VERSION, host, d.id(),
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
    }

    // ---- planning helpers ----

    private List<String> targetHosts(DeployRequest request) {
        return request.hosts().isEmpty() ? List.copyOf(fleet.hostsRunning(request.service())) : request.hosts();
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

    public Optional<Deployment> active(String service) {
        return Optional.ofNullable(activeByService.get(service));
    }

    public Fleet fleet() {
        return fleet;
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
