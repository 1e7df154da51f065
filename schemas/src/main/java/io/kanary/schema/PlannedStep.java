package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * One step of a deployment's plan, fixed when it starts and recorded in {@code deployment.started}
 * so a replay rebuilds it: a batch of hosts, a timed pause, or an approval that waits for promote.
 *
 * @param kind       {@value #BATCH}, {@value #PAUSE} or {@value #APPROVAL}
 * @param hosts      the batch's hosts (empty for a pause or an approval)
 * @param durationMs the timed pause's length (null for a batch or an approval)
 */
public record PlannedStep(String kind, List<String> hosts, Long durationMs) {
    public static final String BATCH = "batch";
    public static final String PAUSE = "pause";
    public static final String APPROVAL = "approval";

    public PlannedStep {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    public static PlannedStep batch(List<String> hosts) {
        return new PlannedStep(BATCH, hosts, null);
    }

    public static PlannedStep pause(long durationMs) {
        return new PlannedStep(PAUSE, List.of(), durationMs);
    }

    public static PlannedStep approval() {
        return new PlannedStep(APPROVAL, List.of(), null);
    }

    @JsonIgnore
    public boolean isBatch() {
        return BATCH.equals(kind);
    }

    /** A timed pause or an approval: a step that waits. */
    @JsonIgnore
    public boolean isWait() {
        return PAUSE.equals(kind) || APPROVAL.equals(kind);
    }
}
