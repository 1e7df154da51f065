package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.InstanceHealth;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The health summary that passed a gate reads as what the gate saw. */
class InstanceHealthSummaryTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void shouldSayHowManyGoodProbesInARowAndOverHowLong() {
        assertEquals("host-3 v3: 12 good probe(s) in a row over 5.5 s", Summaries.of(new InstanceHealth("h1", 1, "web",
                "v3", "host-3", "i-1", 12, T0, T0.plusMillis(5_500), true, "p1"), null));
        assertEquals("host-3 v3: failing", Summaries.of(new InstanceHealth("h2", 1, "web", "v3", "host-3", "i-1", 0,
                null, T0, false, "p2"), null));
    }
}
