package io.kanary.bench.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void shouldTakeQuantilesByNearestRankWhateverTheOrder() {
        List<Double> oneToHundred = new ArrayList<>(IntStream.rangeClosed(1, 100).mapToObj(i -> (double) i).toList());
        Collections.shuffle(oneToHundred, new java.util.Random(7));
        assertEquals(new LatencySummary(100, 50, 90, 99, 100), LatencySummary.of(oneToHundred));
    }

    @Test
    void shouldLetTheP99OfFewerThanAHundredRunsBeTheirMaximum() {
        assertEquals(new LatencySummary(5, 30, 50, 50, 50), LatencySummary.of(List.of(50.0, 10.0, 40.0, 20.0, 30.0)));
    }

    @Test
    void shouldTakeTheLowerMiddleAsTheMedianOfAnEvenCount() {
        assertEquals(20, LatencySummary.of(List.of(40.0, 10.0, 30.0, 20.0)).median());
    }

    @Test
    void shouldRefuseNoLatencies() {
        assertThrows(IllegalArgumentException.class, () -> LatencySummary.of(List.of()));
    }
}
