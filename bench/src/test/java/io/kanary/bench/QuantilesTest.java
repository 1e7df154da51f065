package io.kanary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QuantilesTest {
    private static final double[] TEN = {70, 10, 100, 40, 20, 90, 30, 60, 50, 80};

    @Test
    void shouldTakeTheCeilOfQTimesNthSmallestValue() {
        assertEquals(50, Quantiles.nearestRank(TEN, 0.5), "the 5th of 10: the lower middle");
        assertEquals(90, Quantiles.nearestRank(TEN, 0.9), "the 9th of 10");
        assertEquals(100, Quantiles.nearestRank(TEN, 0.91), "ceil(9.1) = the 10th");
        assertEquals(10, Quantiles.nearestRank(TEN, 0.01), "ceil(0.1) = the 1st");
        assertEquals(100, Quantiles.nearestRank(TEN, 1.0));
    }

    @Test
    void shouldTakeAMeasuredValueNeverAnInterpolatedOne() {
        assertEquals(7, Quantiles.nearestRank(new double[] {7, 3}, 0.99));
        assertEquals(3, Quantiles.nearestRank(new double[] {7, 3}, 0.5));
    }

    @Test
    void shouldRefuseNoValuesAndQuantilesOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> Quantiles.nearestRank(new double[0], 0.5));
        assertThrows(IllegalArgumentException.class, () -> Quantiles.nearestRank(TEN, 0));
        assertThrows(IllegalArgumentException.class, () -> Quantiles.nearestRank(TEN, 1.5));
    }
}
