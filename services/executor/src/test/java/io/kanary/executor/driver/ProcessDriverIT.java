package io.kanary.executor.driver;

import static io.kanary.executor.DemoApps.demoApp;
import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static io.kanary.executor.DemoApps.liveChildren;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessDriverIT {
    @TempDir
    Path logs;
    private ProcessDriver driver;

    @BeforeEach
    void createDriver() {
        driver = new ProcessDriver("host-7", logs, Duration.ofSeconds(60));
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldReplaceRollBackAndStopRealProcesses() throws Exception {
        Instance v1 = driver.deploy("shop", "v1", demoApp("v1"));
        assertTrue(v1.instanceId().startsWith("host-7/shop/v1/"), v1.instanceId());
        assertTrue(v1.address().matches("http://127\\.0\\.0\\.1:\\d+"), v1.address());
        assertEquals(v1.address() + "/health", v1.healthUrl());
        assertEquals("v1", healthVersion(v1));
        long v1Pid = onlyChild().pid();

        Instance v2 = driver.deploy("shop", "v2", demoApp("v2"));
        assertEquals("v2", healthVersion(v2));
        assertFalse(ProcessHandle.of(v1Pid).map(ProcessHandle::isAlive).orElse(false), "v1 still runs");
        assertNotEquals(v1Pid, onlyChild().pid());
        assertThrows(IOException.class, () -> healthVersion(v1));

        RunningInstance back = driver.rollback("shop").orElseThrow();
        assertEquals("v1", back.version());
        assertNotEquals(v1.address(), back.instance().address());
        assertEquals("v1", healthVersion(back.instance()));
        assertThrows(IOException.class, () -> healthVersion(v2));
        assertEquals(Optional.of(back), driver.current("shop"));
        onlyChild();

        assertEquals(Optional.of(back), driver.stop("shop"));
        assertEquals(List.of(), liveChildren());
        assertEquals(Optional.empty(), driver.rollback("shop"), "nothing older than v1 was kept");
    }

    @Test
    void shouldFailClearlyWhenTheProgramDoesNotExist() {
        DriverException e = assertThrows(DriverException.class, () -> driver.deploy("shop", "v1",
                RunSpec.process(List.of("/nonexistent/kanary-no-such-program"), Map.of())));
        assertTrue(e.getMessage().contains("cannot start host-7/shop/v1/"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertEquals(Optional.empty(), driver.current("shop"));
    }

    @Test
    void shouldPassShellMetacharactersLiterallyAndSubstituteThePort() throws Exception {
        Path marker = logs.resolve("pwned");
        String injection = "; touch " + marker;
        String substitution = "$(touch " + marker + ")";
        DriverException e = assertThrows(DriverException.class, () -> driver.deploy("shop", "v1",
                RunSpec.process(List.of("echo", "port={port}", injection, substitution), Map.of())));
        // echo exits at once, so the reason shows its exit code and its output: our arguments, verbatim.
        assertTrue(e.getMessage().contains("exited with code 0"), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*port=\\d+ " + java.util.regex.Pattern.quote(injection + " " + substitution) + ".*"),
                e.getMessage());
        assertFalse(Files.exists(marker), "a shell ran the argument");
    }

    @Test
    void shouldGiveTheChildOnlyItsOwnEnvironment() {
        DriverException e = assertThrows(DriverException.class, () -> driver.deploy("shop", "v1",
                RunSpec.process(List.of("env"), Map.of("GREETING", "hello"))));
        Set<String> names = e.getMessage().lines()
                .filter(line -> line.matches("[A-Za-z_][A-Za-z0-9_]*=.*"))
                .map(line -> line.substring(0, line.indexOf('=')))
                .collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("GREETING", "PORT")), names.toString());
        assertTrue(Set.of("GREETING", "PORT", "PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
                        "KANARY_EXECUTOR_JOURNAL", "KANARY_INSTANCE_ID").containsAll(names),
                "inherited more than it should: " + names);
    }

    @Test
    void shouldKillAnInstanceThatDoesNotListenBeforeTheDeadline() {
        ProcessDriver impatient = new ProcessDriver("host-8", logs.resolve("host-8"), Duration.ofSeconds(1));
        try {
            DriverException e = assertThrows(DriverException.class,
                    () -> impatient.deploy("shop", "v1", RunSpec.process(List.of("sleep", "60"), Map.of())));
            assertTrue(e.getMessage().contains("did not accept connections on port"), e.getMessage());
            assertTrue(e.getMessage().contains("within 1000 ms"), e.getMessage());
            assertEquals(List.of(), liveChildren());
        } finally {
            impatient.close();
        }
    }

    @Test
    void shouldRollBackAfterAGracefulRestartToWhatRanBeforeIt() throws Exception {
        driver.deploy("shop", "v1", demoApp("v1"));
        driver.close();
        assertEquals(List.of(), liveChildren(), "a closed driver left its instance running");

        driver = new ProcessDriver("host-7", logs, Duration.ofSeconds(60));
        assertEquals(Optional.empty(), driver.current("shop"));
        driver.deploy("shop", "v2", demoApp("v2"));
        RunningInstance back = driver.rollback("shop").orElseThrow();
        assertEquals("v1", back.version());
        assertEquals("v1", healthVersion(back.instance()));
        onlyChild();
    }

    @Test
    void shouldStopWhatItsUnreadableJournalHadStartedAndNothingElse() throws Exception {
        Path hostDir = logs.resolve("host-9").toAbsolutePath();
        Files.createDirectories(hostDir);
        Files.writeString(hostDir.resolve("journal.json"), "{\"format\":1,\"hostId\":\"host-9\",\"serv");
        ProcessBuilder marked = new ProcessBuilder("setsid", "sleep", "600");
        marked.environment().put(ProcessDriver.JOURNAL_ENV, hostDir.resolve("journal.json").toString());
        marked.environment().put(ProcessDriver.INSTANCE_ENV, "host-9/shop/v1/0badf00d");
        Process ours = marked.start();
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        ProcessDriver reconciled = new ProcessDriver("host-9", hostDir, Duration.ofSeconds(10));
        try {
            // Stopped while the driver reconciled, before it takes any command.
            assertTrue(ours.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "an instance of the lost journal runs on");
            assertTrue(unrelated.isAlive(), "a process the journal never started was stopped");
            assertEquals(Optional.empty(), reconciled.current("shop"));
        } finally {
            reconciled.close();
            ours.destroyForcibly();
            unrelated.destroyForcibly();
        }
    }

    private static ProcessHandle onlyChild() {
        List<ProcessHandle> children = liveChildren();
        assertEquals(1, children.size(), "live child processes: " + children);
        return children.get(0);
    }
}
