package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecentIdsTest {
    @Test
    void shouldSeeAnIdOnlyOnceWithinTheWindow() {
        RecentIds ids = new RecentIds(100);
        assertTrue(ids.firstSight("p-1"));
        IntStream.range(0, 40).forEach(i -> ids.firstSight("other-" + i));
        assertFalse(ids.firstSight("p-1"), "redelivered 40 records later");
    }

    @Test
    void shouldForgetAnIdOnceTheWindowHasMovedOnTwice() {
        RecentIds ids = new RecentIds(100);
        ids.firstSight("p-1");
        IntStream.range(0, 100).forEach(i -> ids.firstSight("other-" + i));
        assertTrue(ids.firstSight("p-1"), "its memory is bounded: 100 newer ids push it out");
    }

    @Test
    void shouldCountEveryDistinctIdOfAMillion() {
        RecentIds ids = new RecentIds(50_000);
        assertEquals(1_000_000, IntStream.range(0, 1_000_000).filter(i -> ids.firstSight("probe-" + i)).count());
    }
}
