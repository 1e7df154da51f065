package io.kanary.cli.rollout;

import io.kanary.schema.Judgement;
import java.util.Locale;

/**
 * A waiting batch's evidence in one line, e.g.
 * {@code batch 2/3 evidence: healthy 62% | breach 4% | 41 probes, 300 requests | waited 6.0 s of 120.0 s}.
 * ASCII only: the console often runs in a C locale, where other characters print as '?'.
 */
public final class EvidenceLine {
    private EvidenceLine() {
    }

    /** @param batches the deployment's number of batches, or 0 when the console has not seen its plan */
    public static String of(Judgement.Progress p, int batches) {
        long probes = Math.max(0, p.samples() - p.requests());
        StringBuilder line = new StringBuilder("batch ").append(p.batch() + 1);
        if (batches > 0) {
            line.append('/').append(batches);
        }
        line.append(" evidence: healthy ").append(percent(p.towardHealthy())).append("% | breach ")
                .append(percent(p.towardBreach())).append("% | ").append(probes).append(probes == 1 ? " probe" : " probes");
        if (p.requests() > 0) {
            line.append(", ").append(p.requests()).append(p.requests() == 1 ? " request" : " requests");
        }
        return line.append(String.format(Locale.ROOT, " | waited %.1f s of %.1f s", p.waitedMs() / 1000.0,
                p.evidenceWaitMs() / 1000.0)).toString();
    }

    /** 0..1 as a whole percentage, held within 0..100 (a statistic may overshoot its threshold before the verdict lands). */
    static long percent(double share) {
        return Math.round(Math.max(0, Math.min(1, share)) * 100);
    }
}
