package io.kanary.detector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlphaShareTest {
    private static final SequentialTest NEVER = (window, logThreshold) -> java.util.Optional.empty();

    @Test
    void shouldConcludeAtTheLogOfOneOverItsShareOfAlpha() {
        assertEquals(List.of(Math.log(4_000), Math.log(8_000)),
                List.of(new AlphaShare(NEVER, 4).logThreshold(0.001), new AlphaShare(NEVER, 8).logThreshold(0.001)));
    }

    @Test
    void shouldRefuseSharesThatDoNotSumToOne() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AlphaShare.summingToOne(
                new AlphaShare(NEVER, 4), new AlphaShare(NEVER, 4), new AlphaShare(NEVER, 4), new AlphaShare(NEVER, 4),
                new AlphaShare(NEVER, 8)));
        assertEquals("the tests' shares of α sum to 1.125, not 1", refused.getMessage());
    }

    @Test
    void shouldAcceptTheJudgementsSplit() {
        assertEquals(5, AlphaShare.summingToOne(new AlphaShare(NEVER, 4), new AlphaShare(NEVER, 4),
                new AlphaShare(NEVER, 4), new AlphaShare(NEVER, 8), new AlphaShare(NEVER, 8)).size());
    }
}
