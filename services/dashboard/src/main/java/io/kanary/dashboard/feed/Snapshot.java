package io.kanary.dashboard.feed;

import java.util.List;
import java.util.Map;

/**
 * The whole view at one moment, newest deployment first.
 *
 * @param windowSeconds the sliding window of the error rates and p99s
 * @param undecodable   records skipped because they could not be read, by topic
 */
public record Snapshot(long at, long windowSeconds, List<DeploymentCard> deployments, Map<String, Long> undecodable) {
}
