package io.kanary.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit timeline puts hooks in words: the command as typed, and why a hook failed. */
class HookSummariesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void shouldShowAHooksCommandAsItsArgvOrSayItHasNone() {
        assertEquals("h1 told to run hook pre-deploy: ./migrate --to v3", Summaries.of(new HostCommand.RunHook("c1", 1,
                "h1", "d1", "web", "pre-deploy", List.of("./migrate", "--to", "v3"), List.of(), Map.of(), 30_000L, T0),
                null));
        assertEquals("h1 told to run hook smoke batch 1 (HTTP checks only)", Summaries.of(new HostCommand.RunHook("c2", 1,
                "h1", "d1", "web", "smoke batch 1", List.of(), List.of(), Map.of(), 30_000L, T0), null));
    }

    @Test
    void shouldSayWhyAHookFailed() {
        assertEquals("h1 finished hook pre-deploy: failed, it exited with code 3", Summaries.of(new HostEvent.HookFinished(
                "e1", 1, "h1", "c1", "d1", "web", "pre-deploy", false, 3, false, "", "it exited with code 3", T0), null));
    }
}
