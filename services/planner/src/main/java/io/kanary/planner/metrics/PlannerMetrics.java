package io.kanary.planner.metrics;

import io.kanary.planner.state.Deployment;
import io.kanary.planner.state.Emission;
import io.kanary.planner.state.Fleet;
import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Planner;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The planner's meters, observed from the loop's side and never from the state machine: it is told
 * the events the loop wrote (after their transaction committed, so a replay at start or a retried
 * transaction counts nothing twice), the host events the loop consumed, and the planner after each
 * change, from which the gauges are read at scrape time.
 *
 * <p>Only the loop's thread calls the {@code on*} methods; a scrape reads the last {@link Snapshot}.
 */
public final class PlannerMetrics {
    /** The phases a deployment can be active in, as the {@code phase} label of kanary_deployments_active. */
    static final List<Phase> ACTIVE_PHASES = List.of(Phase.QUEUED, Phase.ROLLING, Phase.WAITING, Phase.PAUSED,
            Phase.ROLLING_BACK);

    private final MeterRegistry registry;
    private final Clock clock;
    /** Host commands written and not answered yet: command id → what answers it. */
    private final Map<String, PendingCommand> inFlight = new ConcurrentHashMap<>();
    /** Hosts that have a heartbeat-age gauge already. */
    private final Set<String> hostsWithGauge = ConcurrentHashMap.newKeySet();
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    public PlannerMetrics(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    PlannerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        for (Phase phase : ACTIVE_PHASES) {
            Gauge.builder("kanary.deployments.active", this, m -> m.snapshot.active().getOrDefault(phase, 0))
                    .description("Deployments now in each active phase")
                    .tag("phase", label(phase))
                    .register(registry);
        }
        Gauge.builder("kanary.deployment.deadline.overrun", this, PlannerMetrics::deadlineOverrunSeconds)
                .description("How far the most overdue active deployment is past its batch or rollback deadline; 0 when none is")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("kanary.planner.commands.in.flight", inFlight, Map::size)
                .description("Host commands written whose host has not reported an outcome yet")
                .register(registry);
    }

    /** What a command's outcome looks like on host.events. */
    private record PendingCommand(String deploymentId, Class<?>... answers) {
        boolean answeredBy(HostEvent event) {
            for (Class<?> answer : answers) {
                if (answer.isInstance(event)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What the gauges read: deployments per active phase, the open deadlines of active deployments,
     * and when each host's executor was last heard from.
     */
    record Snapshot(Map<Phase, Integer> active, List<Instant> deadlines, Map<String, Instant> heartbeats) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), List.of(), Map.of());
    }

    /**
     * The loop committed these events (and these dead letters): counts the deployments started and
     * ended, times the phases reached, and notes the host commands sent.
     *
     * @param planner the planner after them, for the start of the deployments they belong to
     * @param deadLetteredTopics the topic of each record sent to its DLQ in the same transaction
     */
    public void onWritten(List<Emission> emissions, List<String> deadLetteredTopics, Planner planner) {
        for (Emission emission : emissions) {
            KanaryEvent event = emission.event();
            if (event instanceof DeploymentEvent d) {
                onDeploymentEvent(d, planner);
            } else if (event instanceof HostCommand c) {
                inFlight.put(c.eventId(), pendingOf(c));
            }
        }
        for (String topic : deadLetteredTopics) {
            Counter.builder("kanary.dlq.records")
                    .description("Records sent to a dead-letter topic, by the topic they came from and who refused them")
                    .tags("topic", topic, "consumer", "planner")
                    .register(registry)
                    .increment();
        }
    }

    /** The loop consumed a host event: a command it answers is no longer in flight. */
    public void onHostEvent(HostEvent event) {
        if (event instanceof HostEvent.InstanceEvent instanceEvent) {
            PendingCommand pending = inFlight.get(instanceEvent.commandId());
            if (pending != null && pending.answeredBy(event)) {
                inFlight.remove(instanceEvent.commandId());
            }
        }
    }

    /** The planner changed: the gauges read it from now on. */
    public void onChange(Planner planner) {
        Map<Phase, Integer> active = new EnumMap<>(Phase.class);
        List<Instant> deadlines = new ArrayList<>();
        for (Deployment d : planner.activeDeployments()) {
            if (d.phase().isActive()) {
                active.merge(d.phase(), 1, Integer::sum);
                Instant deadline = d.deadline();
                if (deadline != null) {
                    deadlines.add(deadline);
                }
            }
        }
        planner.queued().values().stream().filter(q -> q.cancelled() == null)
                .forEach(q -> active.merge(Phase.QUEUED, 1, Integer::sum));
        Fleet fleet = planner.fleet();
        Map<String, Instant> heartbeats = new HashMap<>();
        for (String host : fleet.knownHosts()) {
            Fleet.Heartbeat heartbeat = fleet.heartbeatOf(host);
            if (heartbeat != null) {
                heartbeats.put(host, heartbeat.seenAt());
                if (hostsWithGauge.add(host)) {
                    Gauge.builder("kanary.host.heartbeat.age", this, m -> m.heartbeatAgeSeconds(host))
                            .description("Seconds since the host's executor last sent a heartbeat")
                            .baseUnit("seconds")
                            .tag("host", host)
                            .register(registry);
                }
            }
        }
        snapshot = new Snapshot(Map.copyOf(active), List.copyOf(deadlines), Map.copyOf(heartbeats));
    }

    private void onDeploymentEvent(DeploymentEvent event, Planner planner) {
        String service = event.service();
        if (event instanceof DeploymentEvent.Started) {
            Counter.builder("kanary.deployments.started")
                    .description("Deployments that started rolling out")
                    .tag("service", service)
                    .register(registry)
                    .increment();
        }
        Phase reached = phaseReached(event);
        if (reached != null) {
            startOf(event, planner).ifPresent(start -> Timer.builder("kanary.deployment.phase")
                    .description("Time from a deployment's start to its reaching each phase")
                    .tag("phase", label(reached))
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(positive(Duration.between(start, event.at()))));
        }
        if (event.isTerminal()) {
            Counter.builder("kanary.deployments.ended")
                    .description("Deployments that ended, by how")
                    .tags("service", service, "outcome", label(reached))
                    .register(registry)
                    .increment();
            // Commands of an ended deployment that no host answered never will be.
            inFlight.values().removeIf(p -> p.deploymentId().equals(event.deploymentId()));
        }
    }

    /** The phase {@code event} puts its deployment in, or null for an event that changes no phase. */
    static Phase phaseReached(DeploymentEvent event) {
        if (event instanceof DeploymentEvent.Started) {
            return Phase.ROLLING;
        } else if (event instanceof DeploymentEvent.Waiting) {
            return Phase.WAITING;
        } else if (event instanceof DeploymentEvent.Paused) {
            return Phase.PAUSED;
        } else if (event instanceof DeploymentEvent.RollingBack) {
            return Phase.ROLLING_BACK;
        } else if (event instanceof DeploymentEvent.Succeeded) {
            return Phase.SUCCEEDED;
        } else if (event instanceof DeploymentEvent.RolledBack) {
            return Phase.ROLLED_BACK;
        } else if (event instanceof DeploymentEvent.Failed) {
            return Phase.FAILED;
        } else if (event instanceof DeploymentEvent.Aborted) {
            return Phase.ABORTED;
        } else if (event instanceof DeploymentEvent.Cancelled) {
            return Phase.CANCELLED;
        }
        return null;
    }

    /** When the deployment started: its start event, or for one cancelled in the queue, its queueing. */
    private static Optional<Instant> startOf(DeploymentEvent event, Planner planner) {
        if (event instanceof DeploymentEvent.Started started) {
            return Optional.of(started.at());
        }
        Optional<Instant> started = planner.deployment(event.deploymentId()).map(d -> d.started().at());
        if (started.isPresent()) {
            return started;
        }
        Planner.QueuedView queued = planner.queued().get(event.deploymentId());
        return queued == null ? Optional.empty() : Optional.of(queued.queued().at());
    }

    private static PendingCommand pendingOf(HostCommand command) {
        String id = command.deploymentId();
        if (command instanceof HostCommand.Deploy) {
            return new PendingCommand(id, HostEvent.Started.class, HostEvent.CommandFailed.class);
        } else if (command instanceof HostCommand.Rollback) {
            return new PendingCommand(id, HostEvent.RolledBack.class, HostEvent.CommandFailed.class);
        } else if (command instanceof HostCommand.RunHook) {
            return new PendingCommand(id, HostEvent.HookFinished.class, HostEvent.CommandFailed.class);
        }
        return new PendingCommand(id, HostEvent.Stopped.class, HostEvent.CommandFailed.class);
    }

    private double deadlineOverrunSeconds() {
        Instant now = clock.instant();
        long worstMs = 0;
        for (Instant deadline : snapshot.deadlines()) {
            worstMs = Math.max(worstMs, Duration.between(deadline, now).toMillis());
        }
        return worstMs / 1000.0;
    }

    private double heartbeatAgeSeconds(String host) {
        Instant seenAt = snapshot.heartbeats().get(host);
        return seenAt == null ? Double.NaN : Math.max(0, Duration.between(seenAt, clock.instant()).toMillis()) / 1000.0;
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** {@code ROLLING_BACK} → {@code rolling_back}, as the contract's labels spell phases and outcomes. */
    static String label(Phase phase) {
        return phase.name().toLowerCase(Locale.ROOT);
    }
}
