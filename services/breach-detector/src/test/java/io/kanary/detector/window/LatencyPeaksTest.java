package io.kanary.detector.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LatencyPeaksTest {

    @Test
    void shouldFindEarliestProbeOverAnyThresholdWhateverTheArrivalOrder() {
        LatencyPeaks peaks = new LatencyPeaks();
        peaks.add(300, 700);
        peaks.add(100, 200);
        peaks.add(400, 900);
        peaks.add(200, 800); // arrives late, and makes the probe at 300 no peak
        peaks.add(500, 100);

        assertEquals(List.of(new LatencyPeaks.Peak(100, 200), new LatencyPeaks.Peak(200, 800),
                new LatencyPeaks.Peak(400, 900)), peaks.peaks());
        assertEquals(List.of(OptionalLong.of(100), OptionalLong.of(200), OptionalLong.of(400), OptionalLong.empty()),
                List.of(peaks.firstAbove(150), peaks.firstAbove(650), peaks.firstAbove(850), peaks.firstAbove(900)));
    }
}
