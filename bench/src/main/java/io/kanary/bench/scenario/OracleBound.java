package io.kanary.bench.scenario;

import java.util.OptionalLong;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * What no judge can beat on a sudden error rate: an oracle that knows the onset, the healthy rate
 * and the failing one, and looks once. After n probes of the new version since the onset it rolls
 * back when their failures reach c, the least count that n probes at the healthy rate reach with
 * probability at most α (Neyman–Pearson: for two known rates, counting failures is the most
 * powerful test). Its p99 time is n/rate for the least n at which that count is reached in 99% of
 * runs. A sequential detector pays on top for not knowing the onset, nor the rates, and for looking
 * after every probe; this bound shows how much of a target is left to it.
 */
final class OracleBound {
    private OracleBound() {
    }

    /**
     * The oracle's p99 time to roll back, in ms after the onset, for a scenario whose new version
     * steps from one error rate to a constant higher one at the onset (nothing else changing); empty otherwise.
     */
    static OptionalLong p99Millis(Scenario scenario, double alpha) {
        return p99Millis(scenario.candidate(), scenario.probesPerSecond(), alpha);
    }

    /**
     * The same bound for a traffic scenario, at the new version's request rate over all its
     * instances: each request is one trial, as each probe is.
     */
    static OptionalLong p99Millis(TrafficScenario scenario, double alpha) {
        return p99Millis(scenario.candidate(), scenario.candidateRequestsPerSecond(), alpha);
    }

    private static OptionalLong p99Millis(Behaviour candidate, double trialsPerSecond, double alpha) {
        double healthy = candidate.errorRate(-1);
        double failing = candidate.errorRate(0);
        boolean step = failing > healthy && candidate.errorRate(600_000) == failing
                && candidate.latencyFactor(0) == 1 && !candidate.down(0) && !candidate.down(1_000);
        if (!step) {
            return OptionalLong.empty();
        }
        for (int n = 1; n <= 100_000; n++) {
            int c = criticalCount(n, healthy, alpha);
            if (upperTail(n, failing, c) >= 0.99) {
                return OptionalLong.of(Math.round(1000.0 * n / trialsPerSecond));
            }
        }
        return OptionalLong.empty();
    }

    /** The least c with P(Bin(n, p) ≥ c) ≤ α: one more than the least x with P(X ≤ x) ≥ 1 − α. */
    static int criticalCount(int n, double p, double alpha) {
        return binomial(n, p).inverseCumulativeProbability(1 - alpha) + 1;
    }

    /** P(Bin(n, p) ≥ c). */
    static double upperTail(int n, double p, int c) {
        return c <= 0 ? 1 : 1 - binomial(n, p).cumulativeProbability(c - 1);
    }

    private static BinomialDistribution binomial(int n, double p) {
        // No sampling, so no random generator (the default one is a freshly seeded Mersenne twister).
        return new BinomialDistribution(null, n, p);
    }
}
