package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanary deploy}'s hook flags and {@code --hooks FILE}, as they reach the planner's API ({@link PlannerDouble}). */
class DeployHooksTest {
    private static final String REQUESTED = "{\"deploymentId\":\"web-7\",\"phase\":\"ROLLING\"}";
    private PlannerDouble planner;

    @BeforeEach
    void start() throws IOException {
        planner = new PlannerDouble();
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    @Test
    void shouldSendThePreDeployCommandAndTheSmokeTestAsArgvLists() {
        planner.on("POST /v1/deployments", 202, REQUESTED);
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--hosts", "host-1,host-2",
                "--pre-deploy-arg", "/usr/local/bin/backup-db", "--pre-deploy-arg", "--label=before v2",
                "--pre-deploy-host", "host-2", "--smoke-arg", "/usr/local/bin/smoke", "--smoke-arg", "{port}",
                "--smoke-http", "/smoke", "--hook-timeout", "90s", "--", "./web");

        assertEquals(0, run.exit(), run.toString());
        var hooks = planner.seen("POST /v1/deployments").get(0).body().path("hooks");
        assertAll(hooks.toString(),
                () -> assertEquals("{\"command\":[\"/usr/local/bin/backup-db\",\"--label=before v2\"],\"timeoutMs\":90000,"
                        + "\"host\":\"host-2\"}", hooks.path("preDeploy").toString()),
                () -> assertEquals("{\"command\":[\"/usr/local/bin/smoke\",\"{port}\"],\"timeoutMs\":90000,"
                        + "\"http\":[{\"kind\":\"http\",\"path\":\"/smoke\",\"expectStatus\":[]}]}", hooks.path("smoke").toString()));
    }

    @Test
    void shouldSendNoHooksWhenNoHookFlagIsGiven() {
        planner.on("POST /v1/deployments", 202, REQUESTED);
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--", "./web");

        assertEquals(0, run.exit(), run.toString());
        assertTrue(planner.seen("POST /v1/deployments").get(0).body().path("hooks").isMissingNode());
    }

    @Test
    void shouldSendTheHooksOfAFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("hooks.json"),
                "{\"smoke\": {\"command\": [\"/usr/bin/test\", \"-e\", \"/srv/ready\"], \"http\": [], \"timeoutMs\": 5000}}");
        planner.on("POST /v1/deployments", 202, REQUESTED);
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--hooks", file.toString(), "--", "./web");

        assertEquals(0, run.exit(), run.toString());
        assertEquals("{\"smoke\":{\"command\":[\"/usr/bin/test\",\"-e\",\"/srv/ready\"],\"timeoutMs\":5000,\"http\":[]}}",
                planner.seen("POST /v1/deployments").get(0).body().path("hooks").toString());
    }

    @Test
    void shouldRefuseAHooksFileThatIsNotTheHooksShape(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("hooks.json"), "{\"postDeploy\": {}}");
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--hooks", file.toString(), "--", "./web");

        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("could not read the hooks in " + file), run.err());
        assertTrue(planner.seen("POST /v1/deployments").isEmpty());
    }

    @Test
    void shouldRefuseAHooksFileTogetherWithHookFlags(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("hooks.json"), "{}");
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--hooks", file.toString(),
                "--smoke-arg", "/usr/local/bin/smoke", "--", "./web");

        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("give either --hooks FILE or the hook flags"), run.err());
    }

    @Test
    void shouldListTheHookFlagsInHelp() {
        CliRun run = CliRun.of("deploy", "--help");

        assertEquals(0, run.exit(), run.toString());
        assertAll(run.out(),
                () -> assertTrue(run.out().contains("--pre-deploy-arg=WORD")),
                () -> assertTrue(run.out().contains("--smoke-arg=WORD")),
                () -> assertTrue(run.out().contains("--hook-timeout=DURATION")),
                () -> assertTrue(run.out().contains("--hooks=FILE")));
    }

    @Test
    void shouldShowTheHookAwaitedInStatus() {
        planner.on("GET /v1/deployments/web-7", 200, PlannerDouble.view("web-7", "ROLLING",
                "\"hook\":\"pre-deploy hook running on host-1\""));
        CliRun run = run("status", "web-7");

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("; pre-deploy hook running on host-1"), run.out());
    }

    private CliRun run(String... words) {
        String[] args = new String[words.length + 2];
        args[0] = words[0];
        args[1] = "--planner";
        args[2] = planner.url();
        System.arraycopy(words, 1, args, 3, words.length - 1);
        return CliRun.of(args);
    }
}
