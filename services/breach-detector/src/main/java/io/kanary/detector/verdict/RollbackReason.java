package io.kanary.detector.verdict;

import io.kanary.schema.Breach;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * A breach as one sentence for people, from its explanation fields, e.g.
 * {@code v2 error rate 31.0% > limit 10.0% over 3s (mSPRT error rate > limit: log-LR 9.1 ≥ 8.3;
 * 42 probes; baseline v1 0.8% of 40)} or {@code v2 error rate 5.3% > baseline v1 1.0% + 1.0% margin
 * over 10s (mSPRT error rate vs baseline: log-LR 8.6 ≥ 8.3; 400 probes vs 410)} or {@code v2 median latency
 * 201 ms > 1.5 × baseline v1 median 40 ms = 60 ms over 4s (median vs baseline: log-LR 9.2 ≥ 9.0; 40 probes vs 3000)}.
 * Evidence that held traffic names its requests: {@code ...; 312 requests vs 2980)}.
 */
public final class RollbackReason {
    private RollbackReason() {
    }

    public static String of(Breach b) {
        if (b.test() == null) { // a breach judged by a plain threshold, from before the sequential tests
            return String.format(Locale.ROOT, "%s %s > %s over %s (%d probes; %s)", label(b.metric()),
                    value(b.metric(), b.observed()), value(b.metric(), b.threshold()), duration(b.windowMs()),
                    b.samples(), baseline(b));
        }
        String evidence = String.format(Locale.ROOT, "%s: log-LR %.1f ≥ %.1f", b.test(), b.statistic(),
                b.statisticThreshold());
        return switch (TestName.ofLabel(b.test()).orElse(TestName.ERROR_RATE_LIMIT)) {
            case ERROR_RATE_BASELINE -> String.format(Locale.ROOT,
                    "%s %s %s > baseline %s %s + %s margin over %s (%s; %s)", b.version(),
                    label(b.metric()), value(b.metric(), b.observed()), b.baselineVersion(),
                    value(b.metric(), b.baseline()), value(b.metric(), b.threshold() - b.baseline()),
                    duration(b.windowMs()), evidence, versus(b));
            case P99_BASELINE -> String.format(Locale.ROOT,
                    "%s %s %s > %s × baseline %s %s = %s over %s (%s; %s)", b.version(),
                    label(b.metric()), value(b.metric(), b.observed()),
                    BigDecimal.valueOf(b.threshold() / b.baseline()).setScale(1, java.math.RoundingMode.HALF_UP)
                            .stripTrailingZeros().toPlainString(),
                    b.baselineVersion(), value(b.metric(), b.baseline()), value(b.metric(), b.threshold()),
                    duration(b.windowMs()), evidence, versus(b));
            case MEDIAN_BASELINE -> String.format(Locale.ROOT,
                    "%s %s %s > %s × baseline %s median %s = %s over %s (%s; %s)", b.version(),
                    label(b.metric()), value(b.metric(), b.observed()), ratio(b), b.baselineVersion(),
                    value(b.metric(), b.baseline()), value(b.metric(), b.threshold()), duration(b.windowMs()),
                    evidence, versus(b));
            // A limit test, or one this version does not know: the new version against a fixed limit.
            case ERROR_RATE_LIMIT, P99_LIMIT -> String.format(Locale.ROOT,
                    "%s %s %s > limit %s over %s (%s; %s; %s)", b.version(),
                    label(b.metric()), value(b.metric(), b.observed()), value(b.metric(), b.threshold()),
                    duration(b.windowMs()), evidence, samples(b.samples(), b.requests()), baseline(b));
        };
    }

    /**
     * The two sides' evidence, e.g. {@code 20 probes vs 187}, {@code 312 requests vs 2980} or
     * {@code 312 requests + 30 probes vs 2980 requests + 300 probes}: the baseline's side is named
     * only when it is not of the same kind as the new version's.
     */
    private static String versus(Breach b) {
        Kind ours = Kind.of(b.samples(), b.requests());
        boolean sameKind = ours != Kind.BOTH && ours == Kind.of(b.baselineSamples(), b.baselineRequests());
        return samples(b.samples(), b.requests()) + " vs "
                + (sameKind ? String.valueOf(b.baselineSamples()) : samples(b.baselineSamples(), b.baselineRequests()));
    }

    /** What a side's samples were. */
    private enum Kind {
        PROBES, REQUESTS, BOTH;

        static Kind of(long samples, Long requests) {
            long fromTraffic = requests == null ? 0 : Math.min(requests, samples);
            return fromTraffic == 0 ? PROBES : fromTraffic == samples ? REQUESTS : BOTH;
        }
    }

    /** {@code samples} outcomes of which {@code requests} were requests: "20 probes", "312 requests", or both. */
    private static String samples(long samples, Long requests) {
        return Breach.describeSamples(samples, requests);
    }

    private static String baseline(Breach breach) {
        if (breach.baselineVersion() == null) {
            return "no baseline";
        }
        if (breach.baseline() == null) {
            return "no probes of baseline " + breach.baselineVersion();
        }
        if (breach.requests() != null) {
            return String.format(Locale.ROOT, "baseline %s %s over %s", breach.baselineVersion(),
                    value(breach.metric(), breach.baseline()), samples(breach.baselineSamples(), breach.baselineRequests()));
        }
        return String.format(Locale.ROOT, "baseline %s %s over %d", breach.baselineVersion(),
                value(breach.metric(), breach.baseline()), breach.baselineSamples());
    }

    private static String label(String metric) {
        return switch (metric) {
            case Breach.ERROR_RATE -> "error rate";
            case Breach.P99_LATENCY_MS -> "p99 latency";
            case Breach.MEDIAN_LATENCY_MS -> "median latency";
            default -> metric;
        };
    }

    /** The tolerated ratio to the baseline's figure, as the policy wrote it: "1.5", "2". */
    private static String ratio(Breach b) {
        return BigDecimal.valueOf(b.threshold() / b.baseline()).setScale(2, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    private static String value(String metric, double value) {
        return metric.equals(Breach.ERROR_RATE)
                ? String.format(Locale.ROOT, "%.1f%%", value * 100)
                : String.format(Locale.ROOT, "%d ms", Math.round(value));
    }

    private static String duration(long ms) {
        return BigDecimal.valueOf(ms).movePointLeft(3).stripTrailingZeros().toPlainString() + "s";
    }
}
