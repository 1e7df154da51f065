package io.kanary.detector.verdict;

import io.kanary.schema.Breach;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * A breach as one sentence for people: {@code error rate 31.0% > 10.0% over 10s (62 probes;
 * baseline v1 0.0% over 60)}.
 */
public final class RollbackReason {
    private RollbackReason() {
    }

    public static String of(Breach breach) {
        return String.format(Locale.ROOT, "%s %s > %s over %s (%d probes; %s)", label(breach.metric()),
                value(breach.metric(), breach.observed()), value(breach.metric(), breach.threshold()),
                duration(breach.windowMs()), breach.samples(), baseline(breach));
    }

    private static String baseline(Breach breach) {
        if (breach.baselineVersion() == null) {
            return "no baseline";
        }
        if (breach.baseline() == null) {
            return "no probes of baseline " + breach.baselineVersion();
        }
        return String.format(Locale.ROOT, "baseline %s %s over %d", breach.baselineVersion(),
                value(breach.metric(), breach.baseline()), breach.baselineSamples());
    }

    private static String label(String metric) {
        return switch (metric) {
            case Breach.ERROR_RATE -> "error rate";
            case Breach.P99_LATENCY_MS -> "p99 latency";
            default -> metric;
        };
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
