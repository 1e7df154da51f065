package io.kanary.dashboard.feed;

import io.kanary.audit.Summaries;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The dashboard's view model: every deployment from deploy.events with its phase and batch progress,
 * each target host's version from host.events, the breach that judged it, and the new and baseline
 * version's error rate and p99 over a sliding window of health.probes, sampled into chart points,
 * and the current batch's evidence toward "healthy" and "breach" from judgements.
 *
 * <p>Thread-safe: the topic feed writes, the HTTP side reads snapshots. A record seen twice (the
 * same event id) changes nothing the second time.
 */
public final class DashboardView {
    /** The page lists at most this many deployments, newest first. */
    static final int SHOWN_DEPLOYMENTS = 50;

    private final Duration window;
    private final int chartPoints;
    /** deployment id → its state, in the order the deployments appeared. */
    private final Map<String, Tracked> deployments = new LinkedHashMap<>();
    /** service → host → what the host runs of that service. */
    private final Map<String, Map<String, HostView>> hosts = new HashMap<>();
    /** service/version → its recent probes. */
    private final Map<String, VersionWindow> probes = new HashMap<>();
    private final Map<String, Long> undecodable = new TreeMap<>();

    public DashboardView(Duration window, int chartPoints) {
        this.window = window;
        this.chartPoints = chartPoints;
    }

    public Duration window() {
        return window;
    }

    public synchronized void deploymentEvent(DeploymentEvent event) {
        Tracked d = deployments.get(event.deploymentId());
        if (d == null) {
            d = new Tracked(event.deploymentId(), event.service());
            d.firstAt = event.at();
            deployments.put(event.deploymentId(), d);
        }
        d.apply(event);
    }

    public synchronized void hostEvent(HostEvent event) {
        if (!(event instanceof HostEvent.InstanceEvent e) || e.service() == null) {
            return; // announcements, heartbeats: no version to show
        }
        Map<String, HostView> ofService = hosts.computeIfAbsent(e.service(), s -> new HashMap<>());
        HostView before = ofService.get(e.hostId());
        String running = before == null ? null : before.version();
        HostView now = before; // hooks run no version
        if (e instanceof HostEvent.Starting s) {
            now = new HostView(s.hostId(), running, "starting " + s.version());
        } else if (e instanceof HostEvent.Started s) {
            now = new HostView(s.hostId(), s.version(), "running");
        } else if (e instanceof HostEvent.Stopped s) {
            now = new HostView(s.hostId(), null, "stopped");
        } else if (e instanceof HostEvent.RolledBack r) {
            now = new HostView(r.hostId(), r.version(), "rolled back");
        } else if (e instanceof HostEvent.CommandFailed f) {
            now = new HostView(f.hostId(), running, "failed: " + f.reason());
        }
        if (now != null) {
            ofService.put(e.hostId(), now);
        }
    }

    public synchronized void breach(Breach breach) {
        Tracked d = deployments.get(breach.deploymentId());
        if (d != null && d.breach == null) {
            d.breach = Summaries.of(breach, d.plan);
        }
    }

    /**
     * A judgement or progress record of a batch. Only the newest batch counts, and once a batch is
     * judged a progress record of it that arrives late (a restarted detector may repeat one) changes nothing.
     */
    public synchronized void judgement(Judgement judgement) {
        Tracked d = deployments.get(judgement.deploymentId());
        if (d == null || d.evidence != null && (judgement.batch() + 1 < d.evidence.batch()
                || judgement.batch() + 1 == d.evidence.batch() && !d.evidence.waiting())) {
            return;
        }
        d.evidence = bar(judgement, d.evidence);
    }

    private static EvidenceBar bar(Judgement judgement, EvidenceBar before) {
        int batch = judgement.batch() + 1;
        if (judgement instanceof Judgement.Progress p) {
            return new EvidenceBar(batch, p.towardHealthy(), p.towardBreach(), p.samples(), p.requests(), p.waitedMs(),
                    p.evidenceWaitMs(), null, p.summary());
        }
        EvidenceBar last = before != null && before.batch() == batch ? before : null;
        if (judgement instanceof Judgement.Healthy h) {
            return new EvidenceBar(batch, 1.0, last == null ? 0 : last.towardBreach(), h.samples(),
                    last == null ? 0 : last.requests(), last == null ? 0 : last.waitedMs(),
                    last == null ? 0 : last.evidenceWaitMs(), EvidenceBar.HEALTHY, h.summary());
        }
        Judgement.Inconclusive i = (Judgement.Inconclusive) judgement;
        return new EvidenceBar(batch, last == null ? 0 : last.towardHealthy(), last == null ? 0 : last.towardBreach(),
                i.samples(), last == null ? 0 : last.requests(), i.waitedMs(), i.waitedMs(), EvidenceBar.INCONCLUSIVE,
                i.summary());
    }

    public synchronized void probe(ProbeResult probe) {
        if (probe.wasSkipped()) {
            return; // never sent (the watcher was overloaded): no evidence of the version's health
        }
        probes.computeIfAbsent(key(probe.service(), probe.version()), k -> new VersionWindow(window)).add(probe);
    }

    /** A record of {@code topic} that could not be read was skipped. */
    public synchronized void undecodable(String topic) {
        undecodable.merge(topic, 1L, Long::sum);
    }

    /** Adds a chart point at {@code now} to every active deployment that has started rolling. */
    public synchronized void sample(Instant now) {
        for (Tracked d : deployments.values()) {
            if (d.active() && d.plan != null) {
                VersionHealth candidate = health(d.service, d.plan.version(), now);
                VersionHealth baseline = d.plan.baselineVersion() == null ? null : health(d.service, d.plan.baselineVersion(), now);
                d.points.addLast(new ChartPoint(now.toEpochMilli(), candidate.errorRate(),
                        baseline == null ? null : baseline.errorRate(), candidate.p99Ms(), baseline == null ? null : baseline.p99Ms()));
                while (d.points.size() > chartPoints) {
                    d.points.removeFirst();
                }
            }
        }
        probes.values().removeIf(VersionWindow::isEmpty);
    }

    public synchronized Snapshot snapshot(Instant now) {
        List<DeploymentCard> cards = new ArrayList<>();
        List<Tracked> newestFirst = new ArrayList<>(deployments.values());
        java.util.Collections.reverse(newestFirst);
        // deploy.events has a partition per group of services, read one after another from history: newest
        // by when each deployment's first event happened, not by when the feed read it.
        newestFirst.sort(java.util.Comparator.comparing((Tracked t) -> t.firstAt,
                java.util.Comparator.nullsFirst(java.util.Comparator.<Instant>naturalOrder())).reversed());
        for (Tracked d : newestFirst.subList(0, Math.min(SHOWN_DEPLOYMENTS, newestFirst.size()))) {
            cards.add(card(d, now));
        }
        return new Snapshot(now.toEpochMilli(), window.toSeconds(), cards, Map.copyOf(undecodable));
    }

    /** The deployment's chart points, oldest first; empty when it is unknown. */
    public synchronized Optional<List<ChartPoint>> series(String deploymentId) {
        Tracked d = deployments.get(deploymentId);
        return d == null ? Optional.empty() : Optional.of(List.copyOf(d.points));
    }

    public synchronized Optional<DeploymentCard> deployment(String deploymentId, Instant now) {
        Tracked d = deployments.get(deploymentId);
        return d == null ? Optional.empty() : Optional.of(card(d, now));
    }

    private DeploymentCard card(Tracked d, Instant now) {
        String version = d.plan != null ? d.plan.version() : d.queuedVersion;
        String baselineVersion = d.plan == null ? null : d.plan.baselineVersion();
        List<HostView> targets = new ArrayList<>();
        if (d.plan != null) {
            Map<String, HostView> ofService = hosts.getOrDefault(d.service, Map.of());
            for (String host : d.plan.hosts()) {
                String previous = d.plan.previousVersions().get(host);
                HostView seen = ofService.get(host);
                // Before this dashboard saw a host start anything, it runs what the plan says it ran.
                targets.add(seen == null ? new HostView(host, previous, "unknown")
                        : seen.version() == null && seen.state().startsWith("starting") ? new HostView(host, previous, seen.state())
                        : seen);
            }
        }
        boolean live = d.active() && d.plan != null;
        return new DeploymentCard(d.id, d.service, version, baselineVersion, d.phase, d.active(),
                d.plan == null ? 0 : d.plan.batches().size(), d.batchesCompleted, d.currentBatch, targets, d.reason, d.breach,
                d.lastEvent, d.startedAt == null ? null : d.startedAt.toString(), d.endedAt == null ? null : d.endedAt.toString(),
                live ? health(d.service, version, now) : null,
                live && baselineVersion != null ? health(d.service, baselineVersion, now) : null,
                d.points.peekLast(), live ? d.evidence : null);
    }

    private VersionHealth health(String service, String version, Instant now) {
        VersionWindow w = probes.get(key(service, version));
        return w == null ? VersionHealth.unprobed(version) : w.at(version, now);
    }

    private static String key(String service, String version) {
        return service + "\u0000" + version;
    }

    /** One deployment as its events have built it so far. */
    private static final class Tracked {
        final String id;
        final String service;
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final Deque<ChartPoint> points = new ArrayDeque<>();
        DeploymentEvent.Started plan;
        String queuedVersion;
        String phase = "REQUESTED";
        int batchesCompleted;
        int currentBatch;
        String reason;
        String breach;
        EvidenceBar evidence;
        String lastEvent;
        Instant startedAt;
        Instant endedAt;
        /** When its first event read happened (null when that event had no time). */
        Instant firstAt;
        boolean aborting;

        Tracked(String id, String service) {
            this.id = id;
            this.service = service;
        }

        boolean active() {
            return List.of("REQUESTED", "QUEUED", "ROLLING", "WAITING", "PAUSED", "ROLLING_BACK").contains(phase);
        }

        void apply(DeploymentEvent event) {
            if (!seen.add(event.eventId())) {
                return;
            }
            if (event instanceof DeploymentEvent.Queued q) {
                queuedVersion = q.request().version();
                phase = "QUEUED";
            } else if (event instanceof DeploymentEvent.Started s) {
                plan = s;
                startedAt = s.at();
                phase = "ROLLING";
            } else if (event instanceof DeploymentEvent.BatchStarted b) {
                currentBatch = b.batch() + 1;
                phase = "WAITING".equals(phase) ? "ROLLING" : phase; // a timed pause ends with the next batch
            } else if (event instanceof DeploymentEvent.BatchCompleted b) {
                batchesCompleted = Math.max(batchesCompleted, b.batch() + 1);
            } else if (event instanceof DeploymentEvent.Paused) {
                phase = "PAUSED";
            } else if (event instanceof DeploymentEvent.Resumed || event instanceof DeploymentEvent.Promoted) {
                phase = "ROLLING";
            } else if (event instanceof DeploymentEvent.Waiting) {
                phase = "WAITING";
            } else if (event instanceof DeploymentEvent.RollingBack r) {
                phase = "ROLLING_BACK";
                reason = r.reason();
                aborting = r.isAbort();
            } else if (event instanceof DeploymentEvent.RolledBack r) {
                end(aborting ? "ABORTED" : "ROLLED_BACK", r.at());
            } else if (event instanceof DeploymentEvent.Succeeded s) {
                end("SUCCEEDED", s.at());
            } else if (event instanceof DeploymentEvent.Failed f) {
                reason = f.reason();
                end("FAILED", f.at());
            } else if (event instanceof DeploymentEvent.Aborted a) {
                reason = reason != null ? reason : a.reason();
                end("ABORTED", a.at());
            } else if (event instanceof DeploymentEvent.Cancelled c) {
                reason = c.reason();
                end("CANCELLED", c.at());
            }
            // hooks and extended deadlines change no phase
            lastEvent = Summaries.of(event, plan);
        }

        private void end(String finalPhase, Instant at) {
            phase = finalPhase;
            endedAt = at;
        }
    }
}
