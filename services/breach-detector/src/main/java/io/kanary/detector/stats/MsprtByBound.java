package io.kanary.detector.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link BernoulliMsprt}s judgements need, one per null bound, made once for the whole job
 * (each costs {@value BernoulliMsprt#ALTERNATIVES} logarithms, and a look needs one per start of
 * the evidence). Bounds are rounded up to {@value #BOUND_STEPS}ths (a larger bound only weakens a
 * test), so at most that many are ever made.
 */
public final class MsprtByBound {
    static final int BOUND_STEPS = 2_000;
    private static final Map<Long, BernoulliMsprt> BY_STEP = new ConcurrentHashMap<>();

    private MsprtByBound() {
    }

    /** The change-point mixture's term of the mSPRT whose null bound at each start is {@code bound}'s. */
    public static ChangePointMixture.Term term(NullBound bound) {
        return (bad, probes, baseBad, baseProbes) -> {
            long step = (long) Math.ceil(bound.at(baseBad, baseProbes) * BOUND_STEPS);
            if (step >= BOUND_STEPS) {
                return Double.NEGATIVE_INFINITY; // a bound of 100% cannot be exceeded
            }
            return BY_STEP.computeIfAbsent(step, k -> new BernoulliMsprt((double) k / BOUND_STEPS))
                    .logLikelihoodRatio(bad, probes - bad);
        };
    }
}
