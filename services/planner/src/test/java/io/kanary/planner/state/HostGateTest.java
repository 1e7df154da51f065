package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.InstanceHealth;
import io.kanary.schema.Policy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The gate reads instance.health: good probes in a row, spanning the policy's healthy time. */
class HostGateTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** 3 good probes in a row spanning 2 s. */
    private static final Policy POLICY = new Policy(0.1, 500L, 5_000L, 10, 200L, 3, 2_000L, 10_000L);

    private final HostGate gate = started(new HostGate("host-1"));

    @Test
    void shouldPassOnTheSummaryWhoseStreakIsLongEnoughInCountAndTime() {
        gate.observe(good("h-1", 1, 0, 0), POLICY);
        gate.observe(good("h-2", 11, 0, 1_000), POLICY);
        assertFalse(gate.passed());

        gate.observe(good("h-3", 21, 0, 2_000), POLICY);

        assertTrue(gate.passed());
        assertEquals("h-3", gate.passedByProbeId());
    }

    @Test
    void shouldNotPassOnTimeAloneWithTooFewProbes() {
        gate.observe(good("h-1", 2, 0, 5_000), POLICY);

        assertFalse(gate.passed());
        assertEquals(2, gate.consecutiveGood());
    }

    @Test
    void shouldNotPassOnCountAloneWithinTooShortATime() {
        gate.observe(good("h-1", 9, 0, 1_999), POLICY);

        assertFalse(gate.passed());
    }

    @Test
    void shouldStartAgainAfterAFailedProbe() {
        gate.observe(good("h-1", 9, 0, 1_500), POLICY);
        gate.observe(bad("h-2", 1_600), POLICY);

        assertEquals(0, gate.consecutiveGood());
        assertEquals(0, gate.healthyFor().toMillis());
        gate.observe(good("h-3", 4, 1_700, 3_000), POLICY);
        assertFalse(gate.passed(), "the new streak spans 1.3 s only");
    }

    @Test
    void shouldIgnoreTheStreakOfAnotherInstance() {
        gate.observe(new InstanceHealth("h-1", 1, "web", "v2", "host-1", "host-1/web/v2-replaced", 30, T0,
                T0.plusMillis(5_000), true, "p-1"), POLICY);

        assertFalse(gate.passed());
    }

    @Test
    void shouldIgnoreSummariesBeforeTheInstanceStarted() {
        HostGate notStarted = new HostGate("host-1");

        notStarted.observe(good("h-1", 30, 0, 5_000), POLICY);

        assertFalse(notStarted.passed());
        assertNull(notStarted.passedByProbeId());
    }

    @Test
    void shouldStayPassedWhenAFailureFollows() {
        gate.observe(good("h-1", 21, 0, 2_000), POLICY);

        gate.observe(bad("h-2", 2_100), POLICY);

        assertTrue(gate.passed());
        assertEquals("h-1", gate.passedByProbeId());
    }

    private static HostGate started(HostGate gate) {
        gate.markInstanceStarted("host-1/web/v2");
        return gate;
    }

    private static InstanceHealth good(String id, int inARow, long sinceMs, long lastMs) {
        return new InstanceHealth(id, 1, "web", "v2", "host-1", "host-1/web/v2", inARow, T0.plusMillis(sinceMs),
                T0.plusMillis(lastMs), true, "p-" + id);
    }

    private static InstanceHealth bad(String id, long atMs) {
        return new InstanceHealth(id, 1, "web", "v2", "host-1", "host-1/web/v2", 0, null, T0.plusMillis(atMs), false,
                "p-" + id);
    }
}
