package io.kanary.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunAllowListTest {
    private static final RunAllowList LIST = RunAllowList.NOTHING
            .with("web", new RunRule(List.of("/opt/web/bin/web", "/opt/tools/"), List.of("registry.local/web", "busybox:1.36"),
                    List.of("JAVA_TOOL_OPTIONS")))
            .with("*", new RunRule(List.of("/usr/bin/python3"), List.of("registry.local/shared/"), List.of()));

    @Test
    void shouldAllowNamedExecutablesDirectoriesAndTheRuleForEveryService() {
        assertEquals(List.of(), LIST.check("web", RunSpec.process(List.of("/opt/web/bin/web", "--port", "1"), Map.of())));
        assertEquals(List.of(), LIST.check("web", RunSpec.process(List.of("/opt/tools/probe"), Map.of())));
        assertEquals(List.of(), LIST.check("cart", RunSpec.process(List.of("/usr/bin/python3"), Map.of())));
    }

    @Test
    void shouldRefuseOtherExecutablesRelativeNamesAndPathTricks() {
        assertEquals("run.command[0]", LIST.check("cart", RunSpec.process(List.of("/opt/web/bin/web"), Map.of())).get(0).field());
        assertTrue(LIST.check("web", RunSpec.process(List.of("/bin/sh", "-c", "id"), Map.of())).get(0).rule()
                .startsWith("executable /bin/sh is not on the allow-list of service web"));
        assertTrue(LIST.check("web", RunSpec.process(List.of("python3"), Map.of())).get(0).rule().contains("not a normalised absolute path"));
        assertFalse(LIST.check("web", RunSpec.process(List.of("/opt/tools/../../bin/sh"), Map.of())).isEmpty());
        assertEquals(1, RunAllowList.NOTHING.check("web", RunSpec.process(List.of("/usr/bin/python3"), Map.of())).size());
    }

    @Test
    void shouldMatchImagesByRepositoryPrefixOrExactReference() {
        assertTrue(RunAllowList.imageAllowed("registry.local/web:v2", List.of("registry.local/web")));
        assertTrue(RunAllowList.imageAllowed("registry.local/web@sha256:ab", List.of("registry.local/web")));
        assertTrue(RunAllowList.imageAllowed("registry.local/shared/db:1", List.of("registry.local/shared/")));
        assertTrue(RunAllowList.imageAllowed("busybox:1.36", List.of("busybox:1.36")));
        assertFalse(RunAllowList.imageAllowed("busybox:latest", List.of("busybox:1.36")));
        assertFalse(RunAllowList.imageAllowed("registry.local/webhack:v1", List.of("registry.local/web")));
        assertFalse(RunAllowList.imageAllowed("evil.io/registry.local/web:v1", List.of("registry.local/web")));
        assertEquals("registry:5000/team/web", RunAllowList.repositoryOf("registry:5000/team/web:v2@sha256:1"));
        List<Refusal> refused = LIST.check("web", new RunSpec("evil.io/miner:1", List.of(), Map.of(), null, null));
        assertEquals("run.image", refused.get(0).field());
    }

    @Test
    void shouldRefuseLoaderEnvironmentNamesUnlessTheServiceAllowsThem() {
        RunSpec spec = RunSpec.process(List.of("/opt/web/bin/web"),
                Map.of("LD_PRELOAD", "/tmp/x.so", "PATH", "/tmp", "JAVA_TOOL_OPTIONS", "-javaagent:x", "MODE", "prod", "dyld_insert_libraries", "x"));
        assertEquals(List.of("run.env.LD_PRELOAD", "run.env.PATH", "run.env.dyld_insert_libraries"),
                LIST.check("web", spec).stream().map(Refusal::field).toList());
        assertEquals(List.of("run.env.JAVA_TOOL_OPTIONS", "run.env.LD_PRELOAD", "run.env.PATH", "run.env.dyld_insert_libraries"),
                RunAllowList.ANYTHING.check("web", spec).stream().map(Refusal::field).toList());
    }

    @Test
    void shouldCheckTheCommandForTheProcessDriverEvenWhenAnImageIsGiven() {
        RunSpec both = new RunSpec("registry.local/web:v1", List.of("/bin/sh"), Map.of(), null, null);
        assertEquals(List.of(), LIST.check("web", both));
        assertEquals("run.command[0]", LIST.checkProcess("web", both).get(0).field());
    }

    @Test
    void shouldReadAFileAndTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("allow.json");
        Files.writeString(file, """
                {"services": {"web": {"executables": ["/opt/web/bin/web"], "env": ["NODE_OPTIONS"]}}}""");
        RunAllowList list = RunAllowList.fromEnv(Map.of("KANARY_ALLOW_LIST_FILE", file.toString(),
                "KANARY_ALLOW_IMAGES", "registry.local/, busybox:1.36"));
        assertEquals(List.of("/opt/web/bin/web"), list.ruleFor("web").executables());
        assertEquals(List.of("NODE_OPTIONS"), list.ruleFor("web").env());
        assertEquals(List.of("registry.local/", "busybox:1.36"), list.ruleFor("cart").images());
        assertEquals(RunAllowList.NOTHING, RunAllowList.fromEnv(Map.of()));

        Files.writeString(file, "{\"services\": {\"web\": {\"executable\": [\"/x\"]}}}");
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> RunAllowList.read(file));
        assertTrue(typo.getMessage().contains("executable"), typo.getMessage());
        Files.writeString(file, "{\"services\": {\"web\": {\"executables\": [\"python3\"]}}}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunAllowList.read(file)).getMessage()
                .contains("not an absolute path"));
    }
}
