package io.kanary.detector.verdict;

import java.util.List;

/**
 * A sequential test with its share of the policy's false-rollback probability α: it concludes when its
 * statistic reaches log(1 / (share × α)). Each test's statistic is a nonnegative supermartingale with
 * initial value 1 under its null, so by Ville's inequality it wrongly concludes with probability at most
 * share × α; a healthy deployment is rolled back only if one of them does, with probability at most the
 * sum of the shares × α (Bonferroni), which is α when the shares sum to 1.
 *
 * @param oneIn the share is 1 / oneIn
 */
record AlphaShare(SequentialTest test, int oneIn) {

    /** log(1 / (share × α)): the statistic this test must reach. */
    double logThreshold(double alpha) {
        return Math.log(oneIn / alpha);
    }

    /** The shares, checked to sum to exactly 1, so that the tests together keep the policy's α. */
    static List<AlphaShare> summingToOne(AlphaShare... shares) {
        double sum = 0;
        for (AlphaShare share : shares) {
            sum += 1.0 / share.oneIn();
        }
        if (Math.abs(sum - 1) > 1e-12) {
            throw new IllegalArgumentException("the tests' shares of α sum to " + sum + ", not 1");
        }
        return List.of(shares);
    }
}
