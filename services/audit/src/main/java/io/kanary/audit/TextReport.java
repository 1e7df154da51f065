package io.kanary.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/** The report as text for a terminal: times in UTC, ids shortened to 8 characters. */
final class TextReport {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final int TOPIC_WIDTH = 17;

    private final AuditReport report;
    private final StringBuilder out = new StringBuilder();

    TextReport(AuditReport report) {
        this.report = report;
    }

    String render(AuditFilter filter) {
        List<DeploymentTimeline> shown = report.deployments().stream().filter(filter::matches).toList();
        line("kanary audit: " + report.eventCount() + " events replayed; " + shown.size() + " deployment"
                + (shown.size() == 1 ? "" : "s") + " shown (times UTC)");
        report.problems().forEach(p -> line("! " + p));
        for (ServiceTimeline service : report.services()) {
            List<DeploymentTimeline> deployments = service.deployments().stream().filter(filter::matches).toList();
            boolean wholeService = filter.deploymentId() == null && filter.matchesService(service.service());
            if (deployments.isEmpty() && !wholeService) {
                continue;
            }
            line("");
            line("service " + service.service());
            deployments.forEach(this::deployment);
            if (wholeService) {
                others(service);
            }
        }
        if (filter.equals(AuditFilter.ALL) && !report.hostEvents().isEmpty()) {
            line("");
            line("hosts");
            Instant first = report.hostEvents().get(0).time();
            report.hostEvents().forEach(e -> entry(TimelineEntry.standalone(e, first, report), "  "));
        }
        if (!report.undecodable().isEmpty()) {
            line("");
            line("undecodable records");
            report.undecodable().forEach(u -> line("  " + u.topic() + "[" + u.partition() + "]@" + u.offset()
                    + (u.key() == null ? "" : " (key " + u.key() + ")") + ": " + u.reason()));
        }
        return out.toString();
    }

    private void deployment(DeploymentTimeline d) {
        line("  deployment " + d.deploymentId() + ": " + d.version()
                + (d.baselineVersion() == null ? "" : " replacing " + d.baselineVersion()) + " — " + d.outcome());
        TimelineEntry.of(d, report).forEach(e -> entry(e, "    "));
        if (!d.probeCounts().isEmpty()) {
            line("    probes: " + probes(d.probeCounts()));
        }
        d.evidence().forEach(v -> line("    evidence: " + evidence(v)));
        if (d.chainComplete()) {
            line("    chain: complete" + (d.finished() ? "" : " so far (in progress)"));
        } else {
            line("    chain: broken");
            d.brokenLinks().forEach(b -> line("      - " + b));
        }
    }

    private void others(ServiceTimeline service) {
        if (!service.otherEvents().isEmpty()) {
            line("  outside any deployment:");
            Instant start = service.otherEvents().get(0).time();
            service.otherEvents().forEach(e -> entry(TimelineEntry.standalone(e, start, report), "    "));
        }
        if (!service.unattributedProbes().isEmpty()) {
            line("  probes of no known instance: " + probes(service.unattributedProbes()));
        }
    }

    private void entry(TimelineEntry e, String indent) {
        line(indent + CLOCK.format(e.event().time()) + "  " + offset(e.sinceStart()) + "  "
                + pad(e.event().topic(), TOPIC_WIDTH) + "  " + pad(Causes.shortId(e.event().id()), 9) + "  "
                + e.summary() + (e.cause() == null ? "" : "  ← " + e.cause()));
    }

    static String probes(List<ProbeCount> counts) {
        return counts.stream().map(c -> c.version() + " on " + c.hostId() + ": " + c.probes() + " (" + c.ok() + " ok, "
                + c.failed() + " failed)").collect(Collectors.joining("; "));
    }

    /**
     * E.g. {@code v2: 3 probes, 2 failed (first at 10:00:00.700), latency p50 12 ms p99 1000 ms; 40 traffic samples,
     * 2000 requests, 31 failed}.
     */
    static String evidence(VersionEvidence v) {
        String probes = v.probes() == 0 ? "no probes" : v.probes() + " probes, " + v.failed() + " failed"
                + (v.firstFailureAt() == null ? "" : " (first at " + CLOCK.format(v.firstFailureAt()) + ")")
                + ", latency p50 " + v.latencyP50Ms() + " ms p99 " + v.latencyP99Ms() + " ms";
        return v.version() + ": " + probes + (v.samples() == 0 ? "" : "; " + v.samples() + " traffic samples, "
                + v.requests() + " requests, " + v.requestErrors() + " failed");
    }

    /** E.g. {@code +12.345s}. */
    static String offset(Duration d) {
        long ms = Math.abs(d.toMillis());
        return String.format("%9s", (d.isNegative() ? "-" : "+") + ms / 1000 + "." + String.format("%03d", ms % 1000) + "s");
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
