package io.kanary.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.HostEvent.Starting;
import io.kanary.schema.HostEvent.Stopped;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandOutcomesTest {
    private static final Instant AT = Instant.parse("2026-12-01T23:00:00Z");
    private static final Instance V1 = new Instance("host-1/shop/v1/abcd", "http://127.0.0.1:4000",
            "http://127.0.0.1:4000/health");

    @Test
    void shouldKeepADeploysOutcomeWhenItsInstanceIsLaterReportedStopped() {
        CommandOutcomes outcomes = new CommandOutcomes();
        outcomes.record(new Starting("e-1", 1, "host-1", "cmd-1", "dep-1", "shop", "v1", AT));
        assertTrue(outcomes.reportedStarting("cmd-1"));
        assertEquals(Optional.empty(), outcomes.outcomeOf(deploy("cmd-1")));
        Started started = new Started("e-2", 1, "host-1", "cmd-1", "dep-1", "shop", "v1", V1, AT);
        outcomes.record(started);
        // It exited while no executor watched: reported under the command that started it.
        outcomes.record(new Stopped("e-3", 1, "host-1", "cmd-1", "dep-1", "shop", "v1", V1.instanceId(), AT));
        assertEquals(Optional.of(started), outcomes.outcomeOf(deploy("cmd-1")));
    }

    @Test
    void shouldForgetTheOldestCommandsBeyondItsCapacity() {
        CommandOutcomes outcomes = new CommandOutcomes(2);
        for (String id : List.of("cmd-1", "cmd-2", "cmd-3")) {
            outcomes.record(new Starting("e-" + id, 1, "host-1", id, "dep-1", "shop", "v1", AT));
            outcomes.record(new Started("f-" + id, 1, "host-1", id, "dep-1", "shop", "v1", V1, AT));
        }
        assertEquals(Optional.empty(), outcomes.outcomeOf(deploy("cmd-1")));
        assertFalse(outcomes.reportedStarting("cmd-1"));
        assertTrue(outcomes.outcomeOf(deploy("cmd-2")).isPresent());
        assertTrue(outcomes.outcomeOf(deploy("cmd-3")).isPresent());
    }

    private static HostCommand.Deploy deploy(String id) {
        return new HostCommand.Deploy(id, 1, "host-1", "dep-1", "shop", "v1", RunSpec.process(List.of("web"), Map.of()),
                AT);
    }
}
