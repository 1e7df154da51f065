package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActiveAlertsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T05:11:00Z");

    @Test
    void shouldFireOnABreachUntilItsDeploymentEnds() {
        ActiveAlerts active = new ActiveAlerts();

        Alert firing = active.onBreach(Events.breach("b-1", "web-1"), NOW);
        Optional<Alert> resolved = active.onEvent(Events.rolledBack("e-9", "web-1"), NOW);

        assertNull(firing.endsAt());
        assertEquals(NOW, resolved.orElseThrow().endsAt());
        assertEquals(firing.labels(), resolved.orElseThrow().labels());
        assertEquals(List.of(), active.firing());
    }

    @Test
    void shouldKeepFiringThroughEventsThatDoNotEndTheDeployment() {
        ActiveAlerts active = new ActiveAlerts();
        active.onBreach(Events.breach("b-1", "web-1"), NOW);

        assertEquals(Optional.empty(), active.onEvent(Events.batchStarted("e-2", "web-1"), NOW));
        assertEquals(List.of("web-1"), active.firing().stream().map(Alert::deployment).toList());
    }

    @Test
    void shouldSendABreachReadAfterItsDeploymentEndedAsResolved() {
        ActiveAlerts active = new ActiveAlerts();
        active.onEvent(Events.rolledBack("e-9", "web-1"), NOW);

        Alert late = active.onBreach(Events.breach("b-1", "web-1"), NOW);

        assertNotNull(late.endsAt());
        assertEquals(List.of(), active.firing());
    }

    @Test
    void shouldResolveNothingForADeploymentWithoutBreach() {
        assertEquals(Optional.empty(), new ActiveAlerts().onEvent(Events.rolledBack("e-9", "web-1"), NOW));
    }
}
