package io.kanary.bench.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignOptionsTest {

    @Test
    void namedSettingsAreRead() {
        CampaignOptions o = CampaignOptions.parse(new String[] {"--rollouts", "5", "--seed", "9", "--kills", "3",
                "--kinds", "planner,broker", "--max-down-s", "2.5"}, Map.of());

        assertEquals(5, o.rollouts());
        assertEquals(9L, o.seed());
        assertEquals(3, o.maxKills());
        assertEquals(EnumSet.of(FaultKind.PLANNER, FaultKind.BROKER), o.kinds());
        assertEquals(Duration.ofMillis(2500), o.maxDown());
        assertFalse(o.allowViolations());
    }

    @Test
    void theEnvironmentAllowsViolations() {
        assertTrue(CampaignOptions.parse(new String[0], Map.of("KANARY_CAMPAIGN_ALLOW_VIOLATIONS", "1")).allowViolations());
    }

    @Test
    void anUnknownKindIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CampaignOptions.parse(new String[] {"--kinds", "planer"}, Map.of()));

        assertEquals("unknown kind 'planer' in --kinds; choose from planner, executor, health-watcher, breach-detector, broker",
                e.getMessage());
    }

    @Test
    void aNumberThatIsNotOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CampaignOptions.parse(new String[] {"--rollouts", "many"}, Map.of()));

        assertEquals("--rollouts takes a number, was 'many'", e.getMessage());
    }

    @Test
    void theSamePlanComesFromTheSameSeed() {
        assertEquals(RolloutRunner.plan(20, 0.4, new java.util.Random(7)), RolloutRunner.plan(20, 0.4, new java.util.Random(7)));
        assertFalse(RolloutRunner.plan(20, 0.4, new java.util.Random(7)).get(0), "the first rollout is the healthy fleet");
    }
}
