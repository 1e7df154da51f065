package io.kanary.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FlaggerAnalysisTest {
    private static final TrafficStream STREAM = TrafficStreamGenerator.generate(
            TrafficScenarios.named("traffic-sudden-30%").withHorizon(Duration.ofSeconds(30)), 1);

    @Test
    void shouldQueryTheErrorRatioOfTheNewVersionOverOneMinute() {
        assertEquals("sum(rate(http_server_requests_seconds_count{version=\"v2\",status=~\"5..\"}[1m])) / "
                        + "sum(rate(http_server_requests_seconds_count{version=\"v2\"}[1m])) > 0.05",
                FlaggerAnalysis.Config.flaggerDefault(0.05).expr());
    }

    @Test
    void shouldDefaultToFlaggersIntervalAndThreshold() {
        FlaggerAnalysis.Config config = FlaggerAnalysis.Config.flaggerDefault(0.05);
        assertEquals(Duration.ofSeconds(60), config.checkInterval());
        assertEquals(1, config.threshold());
        assertEquals(Duration.ofSeconds(10), FlaggerAnalysis.Config.every10s(0.05).checkInterval());
        assertThrows(IllegalArgumentException.class, () -> new FlaggerAnalysis.Config("x", Duration.ofSeconds(7),
                Duration.ofSeconds(15), Duration.ofMinutes(1), 0.05, 1));
    }

    @Test
    void shouldWriteEachInstancesCountersAsScrapedEveryFifteenSecondsAndACheckAtEveryInterval() {
        long zero = STREAM.started().at().toEpochMilli() - 2_000;
        String file = FlaggerAnalysis.testFile(STREAM, FlaggerAnalysis.Config.every10s(0.05), zero, 1);

        assertEquals(6, count(file, "series: "), file);
        assertTrue(file.contains("http_server_requests_seconds_count{version=\\\"v2\\\",instance=\\\"host-4\\\","
                + "status=\\\"500\\\"}"), file);
        // 62 s from time 0 on a 5 s grid: 13 points; scraped at the 2nd, 5th, 8th, 11th (every third from offset 1).
        String values = valuesOf(file, 0);
        List<String> points = List.of(values.split(" "));
        assertEquals(13, points.size(), values);
        assertEquals(List.of("_", "_", "_", "_", "_", "_", "_", "_", "_"),
                List.of(points.get(0), points.get(2), points.get(3), points.get(5), points.get(6), points.get(8),
                        points.get(9), points.get(11), points.get(12)));
        assertTrue(Long.parseLong(points.get(10)) > Long.parseLong(points.get(7)), values);
        assertEquals(6, count(file, "alertname: "), "a check every 10 s up to 60 s");
    }

    @Test
    void shouldReadEveryFailedCheckOfEveryFile() {
        String output = """
                Unit Testing:  /tmp/x/stream-0.yml
                  FAILED:
                    alertname: CanaryCheckFailed, time: 1m, \s
                        exp:[],\s
                    alertname: CanaryCheckFailed, time: 1m30s, \s
                        exp:[],\s
                Unit Testing:  /tmp/x/stream-1.yml
                  SUCCESS
                Unit Testing:  /tmp/x/stream-2.yml
                  FAILED:
                    alertname: CanaryCheckFailed, time: 10s, \s
                """;
        assertEquals(Map.of("/tmp/x/stream-0.yml", new TreeSet<>(List.of(60_000L, 90_000L)),
                "/tmp/x/stream-2.yml", new TreeSet<>(List.of(10_000L))), FlaggerAnalysis.parse(output));
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private static String valuesOf(String file, int index) {
        String[] parts = file.split("values: ");
        String line = parts[index + 1].lines().findFirst().orElseThrow();
        return line.replace("\"", "").replace("'", "").trim();
    }
}
