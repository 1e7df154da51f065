package io.kanary.audit;

import java.time.Instant;
import java.util.List;

/**
 * Everything that happened to one deployment, in time order.
 *
 * @param baselineVersion the version it replaced, when known
 * @param start           when it was requested (or its first event, without a request)
 * @param outcome         {@code succeeded}, {@code rolled-back}, {@code failed}, {@code aborted} or {@code in progress}
 * @param events          every event but the probes and traffic samples
 * @param probeCounts     the probes of its instances (tied to it through their causation id) summed per version and host
 * @param evidence        its probes and traffic samples summed per version
 * @param brokenLinks     each break in its causal chain, as a sentence
 */
public record DeploymentTimeline(String deploymentId, String service, String version, String baselineVersion,
                                 Instant start, String outcome, List<AuditEvent> events, List<ProbeCount> probeCounts,
                                 List<VersionEvidence> evidence, List<String> brokenLinks) {
    public static final String IN_PROGRESS = "in progress";

    public DeploymentTimeline {
        events = List.copyOf(events);
        evidence = List.copyOf(evidence);
        probeCounts = List.copyOf(probeCounts);
        brokenLinks = List.copyOf(brokenLinks);
    }

    /** How many probes of its instances were read (each is summed, none kept). */
    public long probeTotal() {
        return probeCounts.stream().mapToLong(ProbeCount::probes).sum();
    }

    /** Every cause named is in the topics, and the final event leads back to the request. */
    public boolean chainComplete() {
        return brokenLinks.isEmpty();
    }

    public boolean finished() {
        return !IN_PROGRESS.equals(outcome);
    }
}
