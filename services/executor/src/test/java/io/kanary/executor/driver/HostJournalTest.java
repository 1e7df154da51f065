package io.kanary.executor.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.executor.driver.HostJournal.Action;
import io.kanary.executor.driver.HostJournal.Entry;
import io.kanary.executor.driver.HostJournal.Release;
import io.kanary.executor.driver.HostJournal.ServiceState;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostJournalTest {
    private static final RunSpec RUN = RunSpec.process(List.of("web", "--port", "{port}"), Map.of("MODE", "fast"));
    private static final Entry V1 = new Entry("host-1/shop/v1/abcd1234", "shop", "v1", RUN, "dep-1", "cmd-1", 40001,
            "/var/log/kanary/shop-v1.log", 4242L, Instant.parse("2026-12-01T23:00:00.120Z"), "http://127.0.0.1:40001",
            "http://127.0.0.1:40001/health");
    private static final Entry V2_PLANNED = new Entry("host-1/shop/v2/ef567890", "shop", "v2", RUN, "dep-2", "cmd-2",
            40002, "/var/log/kanary/shop-v2.log", null, null, "http://127.0.0.1:40002", "http://127.0.0.1:40002/health");

    @TempDir
    Path dir;

    @Test
    void shouldReadBackEveryServiceAfterAReopen() throws Exception {
        ServiceState state = new ServiceState(V1, new Release("v0", RUN),
                new Action("deploy", "starting", "cmd-2", "dep-2", "v2", V2_PLANNED, V1));
        try (HostJournal journal = HostJournal.open(dir, "host-1")) {
            journal.put("shop", state);
            journal.put("cart", new ServiceState(null, new Release("v9", RUN), null));
            journal.put("cart", ServiceState.EMPTY);
        }
        try (HostJournal journal = HostJournal.open(dir, "host-1")) {
            assertEquals(Map.of("shop", state), journal.services());
            assertEquals(ServiceState.EMPTY, journal.service("cart"));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("journal.json", "journal.lock"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "a temporary file was left behind");
        }
    }

    @Test
    void shouldSetATornJournalAsideAndStartEmpty() throws Exception {
        try (HostJournal journal = HostJournal.open(dir, "host-1")) {
            journal.put("shop", new ServiceState(V1, null, null));
        }
        byte[] whole = Files.readAllBytes(dir.resolve("journal.json"));
        byte[] torn = java.util.Arrays.copyOf(whole, whole.length / 2);
        Files.write(dir.resolve("journal.json"), torn);

        try (HostJournal journal = HostJournal.open(dir, "host-1")) {
            assertEquals(Map.of(), journal.services());
            assertFalse(Files.exists(dir.resolve("journal.json")));
            assertArrayEquals(torn, Files.readAllBytes(setAside()), "the unreadable journal was not kept for a person");
            // The next write makes a sound journal again.
            journal.put("shop", new ServiceState(null, new Release("v1", RUN), null));
        }
        try (HostJournal journal = HostJournal.open(dir, "host-1")) {
            assertEquals("v1", journal.service("shop").previous().version());
        }
    }

    @Test
    void shouldSetGarbageAnEmptyFileAndAnUnknownFormatAside() throws Exception {
        for (byte[] content : List.of(new byte[] {0, (byte) 0xff, 17, 'x'}, new byte[0],
                "{\"format\":99,\"hostId\":\"host-1\",\"services\":{}}".getBytes(StandardCharsets.UTF_8),
                "null".getBytes(StandardCharsets.UTF_8), "[1,2]".getBytes(StandardCharsets.UTF_8))) {
            Path host = Files.createTempDirectory(dir, "host");
            Files.write(host.resolve("journal.json"), content);
            try (HostJournal journal = HostJournal.open(host, "host-1")) {
                assertEquals(Map.of(), journal.services(), new String(content, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldRefuseASecondExecutorWhileTheFirstHoldsTheJournal() throws Exception {
        HostJournal first = HostJournal.open(dir, "host-1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostJournal.open(dir, "host-1"));
        assertTrue(e.getMessage().contains("held by another running executor"), e.getMessage());
        assertTrue(e.getMessage().contains("KANARY_EXECUTOR_LOG_DIR"), e.getMessage());
        first.close();
        HostJournal.open(dir, "host-1").close();
    }

    private Path setAside() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("journal.json.unreadable-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the unreadable journal was not set aside"));
        }
    }
}
