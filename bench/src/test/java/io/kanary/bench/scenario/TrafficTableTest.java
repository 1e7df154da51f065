package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficTableTest {
    @Test
    void shouldPrintEachJudgeSideBySideWithTheRatiosOfTheirP99s() {
        String table = print(new TrafficOutcomes(TrafficScenarios.named("traffic-sudden-30%"), true,
                List.of(500L, 800L), List.of(30_000L, 40_000L), List.of(10_000L, 20_000L)));

        assertTrue(table.contains("kanary: the breach-detector fed traffic.samples"), table);
        String row = table.lines().filter(l -> l.startsWith("sudden-30%")).findFirst().orElseThrow();
        assertEquals("sudden-30%               2   0.10 s | 2 0.5 s/0.8 s          | 2 30.0 s/40.0 s            | "
                + "2 10.0 s/20.0 s            |   0.020x   0.040x | <= 1.0 s: met", row);
    }

    @Test
    void shouldSayWhenTheDetectorGotNoTraffic() {
        String table = print(new TrafficOutcomes(TrafficScenarios.named("traffic-healthy"), false,
                Arrays.asList(null, null), Arrays.asList(null, null), Arrays.asList(null, 1_000L)));

        assertTrue(table.contains("NO TRAFFIC VERDICT"), table);
        String row = table.lines().filter(l -> l.startsWith("healthy ")).findFirst().orElseThrow();
        assertTrue(row.contains("| 0 (<= 77.639%)"), row);
        assertTrue(row.contains("| 1 (<= 97.468%)"), row);
        assertTrue(row.endsWith("too few runs to tell"), row);
    }

    @Test
    void shouldHoldKanaryToTheTrafficTargets() {
        assertEquals("<= 1.0 s: NOT met", TrafficTable.target("traffic-sudden-30%", 1_001L));
        assertEquals("<= 5.0 s: met", TrafficTable.target("traffic-sudden-10%", 5_000L));
        assertEquals("<= 10.0 s: NOT met", TrafficTable.target("traffic-median-x2", null));
    }

    private static String print(TrafficOutcomes outcomes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new TrafficTable(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(List.of(outcomes));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
