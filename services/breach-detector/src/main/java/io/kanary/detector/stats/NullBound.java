package io.kanary.detector.stats;

/**
 * The largest share of bad outcomes the new version may have at one start of its evidence (a
 * sequential test's null bound), given the baseline's {@code baseBad} of {@code baseProbes} over the
 * same seconds.
 */
@FunctionalInterface
public interface NullBound {
    double at(long baseBad, long baseProbes);
}
