package io.kanary.audit;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a timeline, as both the text and the JSON report show it.
 *
 * @param sinceStart time since the deployment's start
 * @param cause      how the cause reads: its short id, and what it was when it is not on the timeline itself
 */
record TimelineEntry(AuditEvent event, Duration sinceStart, String summary, String cause) {

    static List<TimelineEntry> of(DeploymentTimeline deployment, AuditReport report) {
        DeploymentEvent.Started plan = deployment.events().stream()
                .map(AuditEvent::event)
                .filter(DeploymentEvent.Started.class::isInstance)
                .map(DeploymentEvent.Started.class::cast)
                .findFirst().orElse(null);
        List<TimelineEntry> entries = new ArrayList<>();
        for (AuditEvent e : deployment.events()) {
            entries.add(new TimelineEntry(e, Duration.between(deployment.start(), e.time()),
                    Summaries.of(e.event(), plan), cause(e, report)));
        }
        return entries;
    }

    static TimelineEntry standalone(AuditEvent e, Instant start, AuditReport report) {
        return new TimelineEntry(e, Duration.between(start, e.time()), Summaries.of(e.event(), null), cause(e, report));
    }

    private static String cause(AuditEvent e, AuditReport report) {
        if (e.causationId() == null) {
            return null;
        }
        AuditEvent cause = report.find(e.causationId());
        String id = Causes.shortId(e.causationId());
        if (cause == null) {
            return id + " (not in the topics)";
        }
        // Probes are summed, not listed, so a probe named as a cause is described where it is named.
        return cause.event() instanceof ProbeResult ? id + " (" + Summaries.of(cause.event(), null) + ")" : id;
    }
}
