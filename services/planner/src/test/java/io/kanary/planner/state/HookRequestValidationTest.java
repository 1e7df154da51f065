package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.Hooks;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request's hooks are checked with the rest of it: each broken field is named, once. */
class HookRequestValidationTest {
    private static final RunAllowList ONLY_WEB_AND_BACKUP = RunAllowList.fromEnv(
            Map.of("KANARY_ALLOW_EXECUTABLES", "/usr/local/bin/web,/usr/local/bin/backup-db"));

    @Test
    void shouldNameEachBrokenHookField() {
        Hooks hooks = new Hooks(new Hooks.PreDeploy(List.of("/usr/local/bin/backup-db"), 0L, "host-9"),
                new Hooks.Smoke(List.of(), null, List.of()));

        List<String> fields = RequestValidator.validate(request(hooks), ONLY_WEB_AND_BACKUP).stream()
                .map(Violation::field).toList();

        assertEquals(List.of("hooks.preDeploy.timeoutMs", "hooks.preDeploy.host", "hooks.smoke"), fields);
    }

    @Test
    void shouldRefuseAHookProgramTheAllowListDoesNotAllow() {
        Hooks hooks = new Hooks(null, new Hooks.Smoke(List.of("/usr/bin/curl", "http://127.0.0.1:{port}/"), null, List.of()));

        List<String> fields = RequestValidator.validate(request(hooks), ONLY_WEB_AND_BACKUP).stream()
                .map(Violation::field).toList();

        assertEquals(List.of("hooks.smoke.command[0]"), fields);
    }

    @Test
    void shouldAcceptValidHooks() {
        Hooks hooks = new Hooks(new Hooks.PreDeploy(List.of("/usr/local/bin/backup-db"), 1_000L, "host-1"), null);

        assertEquals(List.of(), RequestValidator.validate(request(hooks), ONLY_WEB_AND_BACKUP));
    }

    private static DeployRequest request(Hooks hooks) {
        return new DeployRequest("e-1", KanaryEvent.SCHEMA_VERSION, "d1", "web", "v2",
                RunSpec.process(List.of("/usr/local/bin/web"), Map.of()), List.of("host-1", "host-2"), 1, null, "test", null)
                .withHooks(hooks);
    }
}
