package io.kanary.schema;

import java.util.Locale;

/**
 * Each event as one human sentence, for the live console, the audit timeline and alert texts.
 * One place, so every view of the same event says the same thing.
 */
public final class EventText {
    private EventText() {
    }

    public static String describe(KanaryEvent event) {
        if (event instanceof DeployRequest r) {
            return String.format("deploy requested by %s: %s %s on %s, batches of %d", r.requestedBy(), r.service(),
                    r.version(), r.hosts().isEmpty() ? "every host running it" : String.join(", ", r.hosts()), r.batchSize());
        }
        if (event instanceof DeploymentEvent d) {
            return describe(d);
        }
        if (event instanceof HostCommand c) {
            return describe(c);
        }
        if (event instanceof HostEvent h) {
            return describe(h);
        }
        if (event instanceof ProbeResult p) {
            return String.format("%s %s %s %s in %d ms", p.hostId(), p.version(), p.ok() ? "ok" : "FAILED",
                    p.statusCode() == 0 ? String.valueOf(p.error()) : "HTTP " + p.statusCode(), p.latencyMs());
        }
        if (event instanceof Breach b) {
            return describe(b);
        }
        if (event instanceof RollbackCommand c) {
            return String.format("rollback requested by %s: %s", c.operator() != null ? c.operator() : "breach-detector", c.reason());
        }
        return event.typeName();
    }

    static String describe(DeploymentEvent event) {
        if (event instanceof DeploymentEvent.Started s) {
            return String.format("started %s on %d host(s) in %d batch(es), baseline %s", s.version(), s.hosts().size(),
                    s.batches().size(), s.baselineVersion() == null ? "none" : s.baselineVersion());
        } else if (event instanceof DeploymentEvent.BatchStarted b) {
            return String.format("batch %d started: %s", b.batch() + 1, String.join(", ", b.hosts()));
        } else if (event instanceof DeploymentEvent.BatchCompleted b) {
            return String.format("batch %d healthy: %s", b.batch() + 1, String.join(", ", b.hosts()));
        } else if (event instanceof DeploymentEvent.Succeeded s) {
            return "SUCCEEDED: " + s.version() + " runs on every target host";
        } else if (event instanceof DeploymentEvent.RollingBack r) {
            return String.format("ROLLING BACK %s (by %s): %s", String.join(", ", r.hosts()), r.by(), r.reason());
        } else if (event instanceof DeploymentEvent.RolledBack r) {
            return "ROLLED BACK: " + String.join(", ", r.hosts()) + " on their previous version";
        } else if (event instanceof DeploymentEvent.Failed f) {
            return "FAILED: " + f.reason();
        } else if (event instanceof DeploymentEvent.Aborted a) {
            return "aborted by " + a.by() + (a.reason() == null ? "" : ": " + a.reason());
        } else if (event instanceof DeploymentEvent.Paused p) {
            return "paused by " + p.by();
        } else if (event instanceof DeploymentEvent.Resumed r) {
            return "resumed by " + r.by();
        }
        return event.typeName();
    }

    static String describe(HostCommand command) {
        if (command instanceof HostCommand.Deploy d) {
            return String.format("%s: deploy %s %s", d.hostId(), d.service(), d.version());
        } else if (command instanceof HostCommand.Rollback r) {
            return String.format("%s: roll %s back from %s to %s", r.hostId(), r.service(), r.fromVersion(),
                    r.toVersion() == null ? "nothing (stop)" : r.toVersion());
        }
        return command.hostId() + ": stop " + command.service();
    }

    static String describe(HostEvent event) {
        if (event instanceof HostEvent.Announced a) {
            return a.hostId() + " announced (" + a.driver() + " driver)";
        } else if (event instanceof HostEvent.Starting s) {
            return String.format("%s starting %s %s", s.hostId(), s.service(), s.version());
        } else if (event instanceof HostEvent.Started s) {
            return String.format("%s started %s %s at %s", s.hostId(), s.service(), s.version(), s.instance().address());
        } else if (event instanceof HostEvent.Stopped s) {
            return String.format("%s stopped %s %s", s.hostId(), s.service(), s.version());
        } else if (event instanceof HostEvent.CommandFailed f) {
            return String.format("%s FAILED %s %s: %s", f.hostId(), f.service(), f.version(), f.reason());
        } else if (event instanceof HostEvent.RolledBack r) {
            return r.version() == null
                    ? String.format("%s rolled %s back: nothing ran before, stopped", r.hostId(), r.service())
                    : String.format("%s rolled %s back to %s at %s", r.hostId(), r.service(), r.version(), r.instance().address());
        }
        return event.typeName();
    }

    /** "BREACH error rate 31.0% > 10.0% over 10s (62 probes; baseline v1 0.0% over 60)". */
    public static String describe(Breach b) {
        String observed = formatMetric(b.metric(), b.observed());
        String limit = formatMetric(b.metric(), b.threshold());
        String baseline = b.baseline() == null ? "no baseline samples"
                : "baseline " + b.baselineVersion() + " " + formatMetric(b.metric(), b.baseline()) + " over " + b.baselineSamples();
        return String.format(Locale.ROOT, "BREACH %s %s: %s %s > %s over %ds (%d probes; %s)", b.version(),
                b.metric().replace('_', ' '), "observed", observed, limit, b.windowMs() / 1000, b.samples(), baseline);
    }

    private static String formatMetric(String metric, double value) {
        return Breach.ERROR_RATE.equals(metric)
                ? String.format(Locale.ROOT, "%.1f%%", value * 100)
                : String.format(Locale.ROOT, "%.0f ms", value);
    }
}
