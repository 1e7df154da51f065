package io.kanary.detector.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.TrafficSample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartialFailureTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldTellAPartialErrorRateFromChanceAndFromAnInstanceGoingDark() {
        // Of 100 requests at a 5% limit: 6 and 10 errors may be chance, 11 and 30 are clearly over it, 90 and
        // 100 are the instance going dark, and no requests say nothing.
        assertEquals(List.of(false, false, true, true, false, false, false),
                List.of(partial(100, 6), partial(100, 10), partial(100, 11), partial(100, 30), partial(100, 90),
                        partial(100, 100), partial(0, 0)));
    }

    @Test
    void shouldAskMoreOfASmallSample() {
        // 2 of 10 is 20%, as 20 of 100 is, but an instance at the 5% limit fails 2 of 10 in one sample of eleven.
        assertEquals(List.of(false, true, true), List.of(partial(10, 2), partial(10, 3), partial(100, 20)));
    }

    private static boolean partial(long requests, long errors) {
        return PartialFailure.of(new TrafficSample("t-1", 1, "checkout", "v2", "host-1", "i-1", "scrape", T0,
                T0.plusSeconds(1), requests, errors, List.of()), 0.05);
    }
}
