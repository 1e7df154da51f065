package io.kanary.audit;

import java.time.Instant;
import java.util.List;

/**
 * Everything that happened to one deployment, in time order.
 *
 * @param baselineVersion the version it replaced, when known
 * @param start           when it was requested (or its first event, without a request)
 * @param outcome         {@code succeeded}, {@code rolled-back}, {@code failed}, {@code aborted} or {@code in progress}
 * @param events          every event but the probes
 * @param probes          the probes of its instances (tied to it through their causation id)
 * @param probeCounts     the probes summed per version and host
 * @param brokenLinks     each break in its causal chain, as a sentence
 */
public record DeploymentTimeline(String deploymentId, String service, String version, String baselineVersion,
                                 Instant start, String outcome, List<AuditEvent> events, List<AuditEvent> probes,
                                 List<ProbeCount> probeCounts, List<String> brokenLinks) {
    public static final String IN_PROGRESS = "in progress";

    public DeploymentTimeline {
        events = List.copyOf(events);
        probes = List.copyOf(probes);
        probeCounts = List.copyOf(probeCounts);
        brokenLinks = List.copyOf(brokenLinks);
    }

    /** Every cause named is in the topics, and the final event leads back to the request. */
    public boolean chainComplete() {
        return brokenLinks.isEmpty();
    }

    public boolean finished() {
        return !IN_PROGRESS.equals(outcome);
    }
}
