package io.kanary.detector.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestNameTest {
    @Test
    void shouldReadTheTestABreachNames() {
        assertEquals(Optional.of(TestName.ERROR_RATE_BASELINE), TestName.ofLabel("mSPRT error rate vs baseline"));
        assertEquals(Optional.of(TestName.P99_LIMIT), TestName.ofLabel("p99 vs limit"));
        assertEquals(Optional.of(TestName.MEDIAN_BASELINE), TestName.ofLabel("median vs baseline"));
    }

    @Test
    void shouldTagTheMedianTestLikeTheOthers() {
        assertEquals("median_vs_baseline", TestName.MEDIAN_BASELINE.metricTag());
    }

    @Test
    void shouldKnowNoTestByOtherWords() {
        assertEquals(Optional.empty(), TestName.ofLabel("error rate > 10%"));
        assertEquals(Optional.empty(), TestName.ofLabel(null));
    }
}
