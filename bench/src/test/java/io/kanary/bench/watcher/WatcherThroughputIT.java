package io.kanary.bench.watcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.schema.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bench's short form: the real watcher (its own JVM) against 20 real HTTP instances on the
 * embedded broker, one loop and two. It asserts no speed: only that no healthy instance was
 * reported failed, that every skipped probe carried the reason, and that probes were answered.
 */
class WatcherThroughputIT {

    @Test
    void shouldReportNoHealthyInstanceFailedAndEverySkippedProbeWithItsReason() {
        WatcherThroughputBench.Options options = new WatcherThroughputBench.Options(List.of(200), 1, 2, 100,
                Duration.ofSeconds(2), Duration.ofSeconds(3));

        List<RunFigures> runs = WatcherThroughputBench.run(options, System.err);

        assertEquals(List.of(1, 2), runs.stream().map(RunFigures::loops).toList());
        for (RunFigures run : runs) {
            assertEquals(Map.of(), run.failures(), "no healthy instance reported failed: " + WatcherTable.row(run));
            assertTrue(run.skipReasons().keySet().stream().allMatch(ProbeResult.WATCHER_OVERLOADED::equals),
                    "skipped probes say why: " + run.skipReasons());
            assertTrue(run.okPct() > 0, "probes were answered: " + WatcherTable.row(run));
        }
    }
}
