package io.kanary.dashboard.feed;

import java.util.List;

/**
 * What the page shows of one deployment.
 *
 * @param phase            the planner's phase name, e.g. ROLLING, PAUSED, ROLLED_BACK
 * @param batches          how many batches the plan has
 * @param batchesCompleted how many of them completed
 * @param currentBatch     the batch running now (1-based), or 0 when none has started
 * @param reason           why it is rolling back, rolled back, failed or aborted; null otherwise
 * @param breach           the breach that judged it, as a sentence; null without one
 * @param lastEvent        its latest event, as a sentence
 * @param candidate        the new version's health over the window now
 * @param baseline         the baseline version's health over the window now (null on a first deployment)
 * @param latest           the charts' newest point, or null before the first
 * @param evidence         the current batch's evidence toward healthy and breach while the deployment is active;
 *                         null before the breach-detector said anything of it
 */
public record DeploymentCard(String deploymentId, String service, String version, String baselineVersion,
                             String phase, boolean active, int batches, int batchesCompleted, int currentBatch,
                             List<HostView> hosts, String reason, String breach, String lastEvent, String startedAt,
                             String endedAt, VersionHealth candidate, VersionHealth baseline, ChartPoint latest,
                             EvidenceBar evidence) {
}
