package io.kanary.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.InstanceHealth;
import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthStreaksTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final HealthStreaks streaks = new HealthStreaks(Duration.ofSeconds(1));

    @Test
    void shouldPublishTheFirstProbeAndThenAGrowingStreakAtMostOnceASecond() {
        List<InstanceHealth> out = new ArrayList<>();
        for (int i = 0; i < 25; i++) { // every 100 ms for 2.4 s
            streaks.next(probe("i-1", true, i * 100L)).ifPresent(out::add);
        }

        assertEquals(List.of("1 since 0 at 0", "11 since 0 at 1000", "21 since 0 at 2000"), describe(out));
    }

    @Test
    void shouldPublishEveryChangeOfOkStateAtOnce() {
        List<InstanceHealth> out = new ArrayList<>();
        long[] at = {0, 100, 200, 300, 400, 500};
        boolean[] ok = {true, true, false, false, true, true};
        for (int i = 0; i < at.length; i++) {
            streaks.next(probe("i-1", ok[i], at[i])).ifPresent(out::add);
        }

        assertEquals(List.of("1 since 0 at 0", "0 at 200", "1 since 400 at 400"), describe(out));
    }

    @Test
    void shouldStartAgainForAnotherInstanceOnTheSameHost() {
        streaks.next(probe("i-1", true, 0));
        streaks.next(probe("i-1", true, 100));

        InstanceHealth replaced = streaks.next(probe("i-2", true, 200)).orElseThrow();

        assertEquals("1 since 200 at 200", describe(List.of(replaced)).get(0));
        assertEquals("i-2", replaced.instanceId());
    }

    @Test
    void shouldNameTheLatestProbeCounted() {
        ProbeResult probe = probe("i-1", false, 0);

        InstanceHealth health = streaks.next(probe).orElseThrow();

        assertEquals(probe.eventId(), health.lastProbeId());
        assertEquals("web", health.service());
        assertEquals("host-1", health.hostId());
    }

    @Test
    void shouldGiveNothingForAProbeThatNamesNoHost() {
        ProbeResult external = new ProbeResult("p-x", 1, "web", "v2", null, null, true, 200, 3, T0, null);

        assertTrue(streaks.next(external).isEmpty());
    }

    @Test
    void shouldNeitherBreakNorGrowAStreakWithASkippedProbe() {
        streaks.next(probe("i-1", true, 0));
        ProbeResult skipped = new ProbeResult("p-skip", 1, "web", "v2", "host-1", "i-1", false, 0, 0,
                T0.plusMillis(100), null, ProbeResult.WATCHER_OVERLOADED);

        assertTrue(streaks.next(skipped).isEmpty());
        List<InstanceHealth> out = new ArrayList<>();
        streaks.next(probe("i-1", true, 1_000)).ifPresent(out::add);
        assertEquals(List.of("2 since 0 at 1000"), describe(out));
    }

    private static ProbeResult probe(String instance, boolean ok, long atMs) {
        return new ProbeResult("p-" + instance + "-" + atMs, 1, "web", "v2", "host-1", instance, ok, ok ? 200 : 500, 3,
                T0.plusMillis(atMs), ok ? null : "status 500");
    }

    private static List<String> describe(List<InstanceHealth> out) {
        return out.stream().map(h -> h.goodInARow() + (h.goodSince() == null ? ""
                : " since " + (h.goodSince().toEpochMilli() - T0.toEpochMilli()))
                + " at " + (h.lastProbedAt().toEpochMilli() - T0.toEpochMilli())).toList();
    }
}
