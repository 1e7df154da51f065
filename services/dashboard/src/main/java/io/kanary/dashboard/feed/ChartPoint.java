package io.kanary.dashboard.feed;

/**
 * One moment of a deployment's charts: the new and the baseline version's error rate and p99 then;
 * a null value is a gap (no probe in the window).
 *
 * @param t epoch milliseconds
 */
public record ChartPoint(long t, Double errorRate, Double baselineErrorRate, Long p99Ms, Long baselineP99Ms) {
}
