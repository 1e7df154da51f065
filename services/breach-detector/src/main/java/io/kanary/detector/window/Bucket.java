package io.kanary.detector.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.TrafficSample;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The probes of one service version in one bucket of probe time: how many, how many failed and
 * when the first did, the longest run of consecutive failures on one host that reached into it, and
 * the latencies of the good ones as a mergeable quantile sketch plus the {@link LatencyPeaks}.
 *
 * <p><b>Traffic.</b> The requests of traffic samples counted here are judged as probes are: each is
 * one more outcome ({@link #probes()} and {@link #failures()} include them; {@link #requests()} and
 * {@link #requestErrors()} say how many of them came from traffic). Their latencies are known only
 * to a histogram bucket, so they are kept as {@link TrafficLatencies} beside the probes' sketch:
 * {@link #countAbove} counts a request as slower than L only when L is at or below its histogram
 * bucket's lower bound (certainly slower, erring low as it does for probes), and the quantiles see
 * each request at its bucket's upper bound ({@link TrafficLatencies#addTo}). The sketch itself holds
 * the probes' latencies alone.
 */
public final class Bucket {
    private long probes;
    private long failures;
    private long requests;
    private long requestErrors;
    private final TrafficLatencies trafficLatencies;
    private OptionalLong firstFailureAtMs;
    private long longestFailureRun;
    private long longestFailureRunMs;
    private final DDSketch latencies;
    private final LatencyPeaks peaks;
    private final TreeSet<String> partlyFailingInstances;
    // countAbove's last four answers by sketch bin: every probe looks back over minutes of buckets with
    // the same few thresholds (the p99 limit, twice the baseline's p99, 1.5 × its median), and a past
    // bucket no longer changes.
    private final int[] memoIndex = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
    private final long[] memoCount = new long[memoIndex.length];
    private int memoNext;

    Bucket(long probes, long failures, OptionalLong firstFailureAtMs, long longestFailureRun, long longestFailureRunMs,
           DDSketch latencies, LatencyPeaks peaks) {
        this(probes, failures, 0, 0, new TrafficLatencies(), firstFailureAtMs, longestFailureRun, longestFailureRunMs,
                latencies, peaks);
    }

    Bucket(long probes, long failures, long requests, long requestErrors, TrafficLatencies trafficLatencies,
           OptionalLong firstFailureAtMs, long longestFailureRun, long longestFailureRunMs, DDSketch latencies,
           LatencyPeaks peaks) {
        this(probes, failures, requests, requestErrors, trafficLatencies, firstFailureAtMs, longestFailureRun,
                longestFailureRunMs, latencies, peaks, Set.of());
    }

    Bucket(long probes, long failures, long requests, long requestErrors, TrafficLatencies trafficLatencies,
           OptionalLong firstFailureAtMs, long longestFailureRun, long longestFailureRunMs, DDSketch latencies,
           LatencyPeaks peaks, Set<String> partlyFailingInstances) {
        this.partlyFailingInstances = new TreeSet<>(partlyFailingInstances);
        this.requests = requests;
        this.requestErrors = requestErrors;
        this.trafficLatencies = trafficLatencies;
        this.probes = probes;
        this.failures = failures;
        this.firstFailureAtMs = firstFailureAtMs;
        this.longestFailureRun = longestFailureRun;
        this.longestFailureRunMs = longestFailureRunMs;
        this.latencies = latencies;
        this.peaks = peaks;
    }

    public static Bucket empty(double relativeAccuracy) {
        return new Bucket(0, 0, OptionalLong.empty(), 0, 0, DDSketches.unboundedDense(relativeAccuracy), new LatencyPeaks());
    }

    /**
     * Counts a probe.
     *
     * @param failureRun for a failed probe, its host's run of failures that it extends (or begins);
     *                   ignored for a good probe
     */
    public void add(ProbeResult probe, FailureRun failureRun) {
        long at = probe.probedAt().toEpochMilli();
        probes++;
        if (!probe.ok()) {
            failures++;
            if (firstFailureAtMs.isEmpty() || at < firstFailureAtMs.getAsLong()) {
                firstFailureAtMs = OptionalLong.of(at);
            }
            if (failureRun != null && failureRun.failures() > longestFailureRun) {
                longestFailureRun = failureRun.failures();
                longestFailureRunMs = failureRun.spanMs(at);
            }
        }
        if (probe.ok()) {
            // Latency is that of the answers: a failed probe is judged as a failure, and a hung host's
            // timeouts must not slip past the outage tolerance as "slow probes".
            latencies.accept(probe.latencyMs());
            peaks.add(at, probe.latencyMs());
        }
        java.util.Arrays.fill(memoIndex, Integer.MIN_VALUE);
    }

    /**
     * Counts a traffic sample's requests, each an outcome as a probe is (its errors failures), its
     * latency histogram into {@link TrafficLatencies}. The sample's errors count from its interval's
     * start (the first of them may have come then); a peak at that time stands for its slowest answers.
     *
     * @param failureRun the run of failing samples (over the error limit) of its instance that it extends
     *                   (or begins); null when it does not: its errors then count as they come
     */
    public void add(TrafficSample sample, FailureRun failureRun) {
        add(sample, failureRun, null);
    }

    /**
     * Counts a traffic sample as {@link #add(TrafficSample, FailureRun)} does, and notes
     * {@code partlyFailingInstance} (null: none) as one of the instances that failed part of their requests here.
     */
    public void add(TrafficSample sample, FailureRun failureRun, String partlyFailingInstance) {
        if (partlyFailingInstance != null) {
            partlyFailingInstances.add(partlyFailingInstance);
        }
        long from = sample.intervalStart().toEpochMilli();
        long to = sample.intervalEnd().toEpochMilli();
        probes += sample.requests();
        failures += sample.errors();
        requests += sample.requests();
        requestErrors += sample.errors();
        if (sample.errors() > 0) {
            if (firstFailureAtMs.isEmpty() || from < firstFailureAtMs.getAsLong()) {
                firstFailureAtMs = OptionalLong.of(from);
            }
            if (failureRun != null && failureRun.failures() > longestFailureRun) {
                longestFailureRun = failureRun.failures();
                longestFailureRunMs = failureRun.spanMs(to);
            }
        }
        trafficLatencies.add(sample).ifPresent(slowestAboveMs -> peaks.add(from, slowestAboveMs));
        memoIndex[0] = memoIndex[1] = Integer.MIN_VALUE;
    }

    /**
     * The instances whose traffic in this bucket failed a part of its requests: over the policy's error limit,
     * yet not going dark ({@link PartialFailure}). Empty for probes.
     */
    public Set<String> partlyFailingInstances() {
        return java.util.Collections.unmodifiableSet(partlyFailingInstances);
    }

    /** Every outcome counted: probes, and the requests of traffic samples. */
    public long probes() {
        return probes;
    }

    /**
     * Outcomes that were answered well and whose latency is known: good probes (the sketch holds their
     * latencies) and good requests of samples with a latency histogram.
     */
    public long answered() {
        return probes - failures - trafficLatencies.untimed();
    }

    /** Of {@link #probes()}, the requests of traffic samples. */
    public long requests() {
        return requests;
    }

    /** Of {@link #failures()}, the failed requests of traffic samples. */
    public long requestErrors() {
        return requestErrors;
    }

    /** Of {@link #answered()}, the requests of traffic samples. */
    public long answeredRequests() {
        return requests - requestErrors - trafficLatencies.untimed();
    }

    public long failures() {
        return failures;
    }

    public OptionalLong firstFailureAtMs() {
        return firstFailureAtMs;
    }

    /**
     * The longest run of consecutive failed probes of one host that had a failure in this bucket, as
     * long as it was when it last failed here (a run across buckets shows in each, longest in its last).
     */
    public long longestFailureRun() {
        return longestFailureRun;
    }

    /** How long {@link #longestFailureRun()} had lasted, from its first failure to its last in this bucket. */
    public long longestFailureRunMs() {
        return longestFailureRunMs;
    }

    /**
     * Answers certainly slower than {@code thresholdMs}: probes in sketch bins wholly above it (a probe
     * within the sketch's relative accuracy of the threshold is not counted, so the count errs low),
     * and requests in histogram buckets whose lower bound is at or above it.
     */
    public long countAbove(double thresholdMs) {
        return probesAboveMemo(thresholdMs) + trafficLatencies.countAbove(thresholdMs);
    }

    /** Of {@link #answered()}, the probes: good probes, whose latencies the sketch holds. */
    public long answeredProbes() {
        return answered() - answeredRequests();
    }

    /** Good probes certainly slower than {@code thresholdMs}: those in sketch bins wholly above it. */
    public long probesAbove(double thresholdMs) {
        return probesAboveMemo(thresholdMs);
    }

    /** Good requests certainly slower than {@code thresholdMs}: those whose histogram bucket's lower bound is at or above it. */
    public long requestsAbove(double thresholdMs) {
        return trafficLatencies.countAbove(thresholdMs);
    }

    private long probesAboveMemo(double thresholdMs) {
        // A bin lies wholly above the threshold exactly when it comes after the threshold's own bin.
        int thresholdIndex = thresholdMs < latencies.getIndexMapping().minIndexableValue()
                ? Integer.MIN_VALUE + 1 : latencies.getIndexMapping().index(thresholdMs);
        for (int i = 0; i < memoIndex.length; i++) {
            if (memoIndex[i] == thresholdIndex) {
                return memoCount[i];
            }
        }
        long[] above = {0};
        latencies.getPositiveValueStore().forEach((index, count) -> {
            if (index > thresholdIndex) {
                above[0] += Math.round(count);
            }
        });
        memoIndex[memoNext] = thresholdIndex;
        memoCount[memoNext] = above[0];
        memoNext = (memoNext + 1) % memoIndex.length;
        return above[0];
    }

    /** The sketch itself, not a copy: merge it into another, do not change it. */
    DDSketch latencies() {
        return latencies;
    }

    LatencyPeaks peaks() {
        return peaks;
    }

    TrafficLatencies trafficLatencies() {
        return trafficLatencies;
    }
}
