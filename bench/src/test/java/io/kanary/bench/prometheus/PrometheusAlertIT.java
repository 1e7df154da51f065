package io.kanary.bench.prometheus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenarios;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Prometheus scrapes the replay exporter and fires a trivially true alert per run. */
class PrometheusAlertIT {
    /** True once the run's new version has been probed: false before the replay starts (all counters 0). */
    private static final PrometheusSetup ANY_PROBE = new PrometheusSetup("it", Duration.ofSeconds(1),
            PrometheusSetup.ALERT, "kanary_probes_total{version=\"v2\"} > 0", Duration.ZERO);
    private PrometheusReplay replay;

    @BeforeEach
    void start() {
        String prometheus = PrometheusBinaries.require(PrometheusBinaries.PROMETHEUS);
        ReplayRun run = ReplayRun.of(ProbeStreamGenerator.generate(
                Scenarios.named("sudden-30%").withHorizon(Duration.ofSeconds(10)), 1));
        replay = PrometheusReplay.open(List.of(run));
        replay.startServers(prometheus, List.of(ANY_PROBE), Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        if (replay != null) {
            replay.close();
        }
    }

    @Test
    void shouldSeeTheAlertFireOnceTheReplayStarts() {
        replay.awaitFirstScrapes(Duration.ofSeconds(10));
        Instant scrapedBefore = Instant.now();
        assertFalse(firings(scrapedBefore.minusSeconds(5), scrapedBefore).containsKey("sudden-30%/1"),
                "nothing fires while the counters are 0");

        Instant wallT0 = replay.beginReplay();
        AtomicReference<Instant> fired = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            fired.set(firings(wallT0.minusSeconds(5), Instant.now()).get("sudden-30%/1"));
            return fired.get() != null;
        });

        assertTrue(fired.get().isAfter(wallT0), "fired at " + fired.get() + ", replay began at " + wallT0);
    }

    @Test
    void shouldStopTheServerAndRemoveItsDirectoryWhenClosed() {
        PrometheusServer server = replay.servers().get(0);
        assertTrue(Files.isDirectory(server.directory().resolve("data")), "its TSDB is in its own directory");

        replay.close();

        assertFalse(server.running(), "the process has stopped");
        assertFalse(Files.exists(server.directory()), "its directory is gone");
    }

    private Map<String, Instant> firings(Instant from, Instant to) {
        return replay.firstFirings(from, to).get("it");
    }
}
