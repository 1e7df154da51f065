package io.kanary.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void shouldTakeTheMiddleValueOfAnOddCountWhateverTheOrder() {
        Summary s = Summary.of(List.of(9.0, 1.0, 5.0, 3.0, 7.0));
        assertEquals(new Summary(5, 5.0, 9.0, 1.0, 9.0), s);
    }

    @Test
    void shouldAverageTheTwoMiddleValuesOfAnEvenCount() {
        assertEquals(4.5, Summary.of(List.of(1.0, 8.0, 4.0, 5.0)).median());
    }

    @Test
    void shouldTakeP90ByNearestRank() {
        List<Double> tenValues = List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 1000.0);
        assertEquals(90.0, Summary.of(tenValues).p90(), "the 9th of 10");
        List<Double> fifteenValues = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0);
        assertEquals(14.0, Summary.of(fifteenValues).p90(), "ceil(13.5) = the 14th of 15");
        assertEquals(42.0, Summary.of(List.of(42.0)).p90());
    }

    @Test
    void shouldRefuseNothingToSummarise() {
        assertThrows(IllegalArgumentException.class, () -> Summary.of(List.of()));
    }
}
