package io.kanary.audit;

import io.kanary.schema.Breach;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One line of plain words per event, as a person reading the timeline would say it. The audit
 * and the live console both speak through it, so every view says the same thing of an event.
 */
public final class Summaries {
    private Summaries() {
    }

    /** @param plan the deployment's started event, for batch counts and previous versions; may be null */
    public static String of(KanaryEvent event, DeploymentEvent.Started plan) {
        if (event instanceof DeployRequest r) {
            return "deploy requested: " + r.service() + " " + r.version() + " on "
                    + (r.hosts().isEmpty() ? "every host running it" : String.join(", ", r.hosts()))
                    + (r.steps().isEmpty() ? " in batches of " + r.batchSize() : " in " + r.steps().size() + " steps")
                    + by(r.requestedBy());
        } else if (event instanceof DeploymentEvent d) {
            return deployment(d, plan);
        } else if (event instanceof HostCommand c) {
            return hostCommand(c);
        } else if (event instanceof HostEvent h) {
            return hostEvent(h);
        } else if (event instanceof Breach b) {
            return breach(b);
        } else if (event instanceof RollbackCommand r) {
            return "rollback requested by " + (r.operator() != null ? r.operator() : "breach-detector") + ": "
                    + r.reason();
        } else if (event instanceof ControlCommand c) {
            return c.action().word() + (c.isFull() ? " (full)" : "") + " requested" + by(c.by())
                    + (c.reason() == null ? "" : ": " + c.reason());
        } else if (event instanceof Judgement.Progress p) {
            return "evidence so far (batch " + (p.batch() + 1) + "): " + p.summary();
        } else if (event instanceof Judgement j) {
            return (j instanceof Judgement.Healthy ? "judged healthy" : "judged inconclusive") + " (batch "
                    + (j.batch() + 1) + "): " + j.summary();
        } else if (event instanceof InstanceHealth h) {
            return h.hostId() + " " + h.version() + ": " + (h.lastOk()
                    ? h.goodInARow() + " good probe(s) in a row over "
                            + String.format(Locale.ROOT, "%.1f s",
                                    java.time.Duration.between(h.goodSince(), h.lastProbedAt()).toMillis() / 1000.0)
                    : "failing");
        } else if (event instanceof ProbeResult p) {
            return "probe of " + p.hostId() + " " + p.version() + ": " + (p.statusCode() == 0
                    ? "no answer in " + p.latencyMs() + " ms (" + p.error() + ")"
                    : "HTTP " + p.statusCode() + " in " + p.latencyMs() + " ms");
        }
        return event.typeName();
    }

    private static String deployment(DeploymentEvent d, DeploymentEvent.Started plan) {
        int batches = plan == null ? 0 : plan.batches().size();
        if (d instanceof DeploymentEvent.Started s) {
            return "deployment started: " + s.version() + (s.baselineVersion() == null ? " (first version)"
                    : " replacing " + s.baselineVersion()) + " in " + s.batches().size() + " batch"
                    + (s.batches().size() == 1 ? "" : "es") + ": " + s.batches().stream()
                    .map(b -> "[" + String.join(", ", b) + "]").collect(Collectors.joining(" "));
        } else if (d instanceof DeploymentEvent.BatchStarted b) {
            return "batch " + ordinal(b.batch(), batches) + " started: " + String.join(", ", b.hosts());
        } else if (d instanceof DeploymentEvent.BatchCompleted b) {
            return "batch " + ordinal(b.batch(), batches) + " completed: " + String.join(", ", b.hosts()) + " healthy";
        } else if (d instanceof DeploymentEvent.Paused p) {
            return "paused" + by(p.by()) + (p.reason() == null ? "" : ": " + p.reason());
        } else if (d instanceof DeploymentEvent.Resumed r) {
            return "resumed" + by(r.by()) + (r.reason() == null ? "" : ": " + r.reason());
        } else if (d instanceof DeploymentEvent.Promoted p) {
            return (p.full() ? "promoted in full (every remaining pause and approval skipped)" : "promoted (the current pause ends)")
                    + by(p.by()) + (p.reason() == null ? "" : ": " + p.reason());
        } else if (d instanceof DeploymentEvent.Succeeded s) {
            return "succeeded: " + s.version() + " runs on every target host";
        } else if (d instanceof DeploymentEvent.RollingBack r) {
            return "rolling back " + String.join(", ", r.hosts()) + " (asked by " + r.by() + "): " + r.reason();
        } else if (d instanceof DeploymentEvent.RolledBack r) {
            return "rolled back: " + r.hosts().stream()
                    .map(h -> h + " → " + previousVersion(plan, h)).collect(Collectors.joining(", "));
        } else if (d instanceof DeploymentEvent.Failed f) {
            return "FAILED: " + f.reason();
        } else if (d instanceof DeploymentEvent.Aborted a) {
            return "aborted" + by(a.by()) + (a.reason() == null ? "" : ": " + a.reason());
        } else if (d instanceof DeploymentEvent.Waiting w) {
            return w.durationMs() == null ? "waiting for approval (step " + (w.step() + 1) + "): promote to go on"
                    : String.format(Locale.ROOT, "pausing %.1fs (step %d) until %s; judgement goes on",
                    w.durationMs() / 1000.0, w.step() + 1, w.until());
        } else if (d instanceof DeploymentEvent.Queued q) {
            return "queued: " + q.request().version() + (q.front() ? " first in line, superseding the active deployment"
                    : " waits for the service's active deployment" + (q.request().needs() == null ? ""
                    : " and for " + q.request().needs() + " to succeed")) + by(q.request().requestedBy());
        } else if (d instanceof DeploymentEvent.Cancelled c) {
            return "cancelled before it started" + by(c.by()) + (c.reason() == null ? "" : ": " + c.reason());
        } else if (d instanceof DeploymentEvent.HookRequested h) {
            return String.format(Locale.ROOT, "%s hook sent to %s (it may run %.1fs); the batch completes when it passes on each",
                    h.hook(), String.join(", ", h.hosts()), h.timeoutMs() / 1000.0);
        } else if (d instanceof DeploymentEvent.Judged j) {
            return "batch " + ordinal(j.batch(), batches) + " evidence " + j.verdict() + " (judged by " + j.by() + "): "
                    + j.summary();
        } else if (d instanceof DeploymentEvent.DeadlinesExtended e) {
            return String.format(Locale.ROOT, "deadlines extended by %.1fs: the planner was down since %s", e.extendedByMs() / 1000.0,
                    e.downSince());
        }
        return d.typeName();
    }

    private static String hostCommand(HostCommand c) {
        if (c instanceof HostCommand.Deploy d) {
            return d.hostId() + " told to deploy " + d.version();
        } else if (c instanceof HostCommand.Rollback r) {
            return r.hostId() + " told to roll back " + r.fromVersion() + " → "
                    + (r.toVersion() == null ? "nothing" : r.toVersion());
        } else if (c instanceof HostCommand.RunHook h) {
            // The argv as a person would type it, not a Java list; a hook of HTTP checks only has none.
            return h.hostId() + " told to run hook " + h.hook() + (h.command().isEmpty() ? " (HTTP checks only)"
                    : ": " + String.join(" ", h.command()));
        }
        return c.hostId() + " told to stop " + c.service();
    }

    private static String hostEvent(HostEvent h) {
        if (h instanceof HostEvent.Announced a) {
            return a.hostId() + " announced (driver " + a.driver() + ")";
        } else if (h instanceof HostEvent.Starting s) {
            return s.hostId() + " starting " + s.version();
        } else if (h instanceof HostEvent.Started s) {
            return s.hostId() + " started " + s.version()
                    + (s.instance() == null ? "" : " at " + s.instance().address());
        } else if (h instanceof HostEvent.Stopped s) {
            return s.hostId() + " stopped " + s.version() + " (instance " + s.instanceId() + ")";
        } else if (h instanceof HostEvent.CommandFailed f) {
            return f.hostId() + " could not carry out its command: " + f.reason();
        } else if (h instanceof HostEvent.RolledBack r) {
            return r.instance() == null ? r.hostId() + " rolled back: nothing runs now"
                    : r.hostId() + " rolled back to " + r.version() + " at " + r.instance().address();
        } else if (h instanceof HostEvent.HookStarted s) {
            return s.hostId() + " started hook " + s.hook();
        } else if (h instanceof HostEvent.HookFinished f) {
            return f.hostId() + " finished hook " + f.hook() + (f.ok() ? ": passed" : ": failed, " + f.reason());
        }
        return h.typeName();
    }

    /**
     * E.g. {@code BREACH v2 error rate 31.0% > limit 10.0% over 3s (mSPRT error rate > limit: log-LR 9.1 ≥ 8.3;
     * 42 probes; baseline v1 0.8% of 40)}; a breach without a test statistic (from before the sequential
     * tests) reads {@code BREACH error_rate 31.0% > 10.0% over 10s (62 probes; baseline v1 0.0%)}.
     */
    static String breach(Breach b) {
        String baseline = b.baselineVersion() == null ? "no baseline"
                : b.baseline() == null ? "baseline " + b.baselineVersion() + " unprobed"
                : "baseline " + b.baselineVersion() + " " + value(b.metric(), b.baseline());
        if (b.test() == null || b.statistic() == null || b.statisticThreshold() == null) {
            return "BREACH " + b.metric() + " " + value(b.metric(), b.observed()) + " > " + value(b.metric(), b.threshold())
                    + " over " + window(b.windowMs()) + " (" + b.samples() + " probes; " + baseline + ")";
        }
        String label = Breach.ERROR_RATE.equals(b.metric()) ? "error rate"
                : Breach.P99_LATENCY_MS.equals(b.metric()) ? "p99 latency"
                : Breach.MEDIAN_LATENCY_MS.equals(b.metric()) ? "median latency" : b.metric();
        boolean againstBaseline = b.test().contains("baseline") && b.baseline() != null;
        String limit = againstBaseline ? "the baseline's limit " + value(b.metric(), b.threshold())
                : "limit " + value(b.metric(), b.threshold());
        return String.format(Locale.ROOT, "BREACH %s %s %s > %s over %s (%s: log-LR %.1f ≥ %.1f; %s; %s of %s)",
                b.version(), label, value(b.metric(), b.observed()), limit, window(b.windowMs()), b.test(),
                b.statistic(), b.statisticThreshold(), Breach.describeSamples(b.samples(), b.requests()), baseline,
                b.baselineRequests() == null || b.baselineRequests() == 0 ? String.valueOf(b.baselineSamples())
                        : Breach.describeSamples(b.baselineSamples(), b.baselineRequests()));
    }

    private static String value(String metric, double v) {
        return Breach.ERROR_RATE.equals(metric) ? String.format(Locale.ROOT, "%.1f%%", v * 100)
                : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static String window(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static String ordinal(int zeroBased, int total) {
        return (zeroBased + 1) + (total > 0 ? "/" + total : "");
    }

    private static String previousVersion(DeploymentEvent.Started plan, String host) {
        String previous = plan == null ? null : plan.previousVersions().get(host);
        return previous == null ? "nothing" : previous;
    }

    private static String by(String who) {
        return who == null || who.isBlank() ? "" : " by " + who;
    }
}
