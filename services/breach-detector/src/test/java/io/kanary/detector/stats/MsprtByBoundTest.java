package io.kanary.detector.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MsprtByBoundTest {
    @Test
    void shouldTestAgainstTheBoundRoundedUpToTwoThousandths() {
        ChangePointMixture.Term term = MsprtByBound.term((baseBad, baseProbes) -> 0.0301);

        assertEquals(new BernoulliMsprt(0.0305).logLikelihoodRatio(6, 14), term.logLikelihoodRatio(6, 20, 0, 0), 0);
    }

    @Test
    void shouldPassTheBaselinesCountsToTheBound() {
        ChangePointMixture.Term term = MsprtByBound.term((baseBad, baseProbes) -> (double) baseBad / baseProbes);

        assertEquals(new BernoulliMsprt(0.25).logLikelihoodRatio(6, 14), term.logLikelihoodRatio(6, 20, 5, 20), 0);
    }

    @Test
    void shouldNeverConcludeAgainstABoundOfOneHundredPercent() {
        ChangePointMixture.Term term = MsprtByBound.term((baseBad, baseProbes) -> 1.0);

        assertEquals(Double.NEGATIVE_INFINITY, term.logLikelihoodRatio(20, 20, 0, 0));
    }
}
