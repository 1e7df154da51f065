package io.kanary.bench.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.scenario.ProbeStream;
import io.kanary.bench.scenario.ProbeStreamGenerator;
import io.kanary.bench.scenario.Scenarios;
import io.kanary.schema.ProbeResult;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayExporterTest {
    private static final Instant WALL_START = Instant.parse("2030-06-01T12:00:00Z");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicReference<Instant> now = new AtomicReference<>(WALL_START.minusSeconds(60));
    private ProbeStream sudden;
    private ProbeStream healthy;
    private ReplayExporter exporter;

    @BeforeEach
    void startExporter() throws IOException {
        sudden = ProbeStreamGenerator.generate(Scenarios.named("sudden-30%").withHorizon(Duration.ofSeconds(30)), 1);
        healthy = ProbeStreamGenerator.generate(Scenarios.named("healthy-1/s").withHorizon(Duration.ofSeconds(30)), 2);
        exporter = ReplayExporter.start(List.of(ReplayRun.of(sudden), ReplayRun.of(healthy)), now::get);
    }

    @AfterEach
    void stopExporter() {
        exporter.close();
    }

    @Test
    void shouldExposeZeroCountersBeforeTheReplayStarts() throws Exception {
        String body = scrape();

        assertEquals(0, counter(body, "kanary_probes_total", "sudden-30%/1", "v2"));
        assertEquals(0, counter(body, "kanary_probe_errors_total", "healthy-1/s/2", "v1"));
    }

    @Test
    void shouldCountExactlyTheProbesMadeUpToTheReplayedInstant() throws Exception {
        exporter.replayFrom(WALL_START);
        // A probe's own time (counted: "at most"), one millisecond before it, mid-run, and after the end.
        long probeAt = sudden.of("v2").get(150).probedAt().toEpochMilli() - ProbeStreamGenerator.T0.toEpochMilli();
        for (long elapsedMs : new long[] {probeAt, probeAt - 1, 31_234, 10 * 60_000}) {
            now.set(WALL_START.plusMillis(elapsedMs));
            String body = scrape();
            for (ProbeStream stream : List.of(sudden, healthy)) {
                String run = stream.scenario().name() + "/" + stream.seed();
                for (String version : List.of("v1", "v2")) {
                    List<ProbeResult> made = stream.of(version).stream()
                            .filter(p -> !p.probedAt().isAfter(ProbeStreamGenerator.T0.plusMillis(elapsedMs))).toList();
                    assertEquals(made.size(), counter(body, "kanary_probes_total", run, version), run + " " + elapsedMs);
                    assertEquals(made.stream().filter(p -> !p.ok()).count(),
                            counter(body, "kanary_probe_errors_total", run, version), run + " " + elapsedMs);
                }
            }
        }
        assertTrue(counter(scrape(), "kanary_probe_errors_total", "sudden-30%/1", "v2") > 0, "sudden-30% has errors");
    }

    @Test
    void shouldStartALaggedRunItsLagAfterTheReplay() throws Exception {
        ReplayRun late = ReplayRun.of(sudden).withLag(Duration.ofSeconds(7));
        try (ReplayExporter lagged = ReplayExporter.start(List.of(late), now::get)) {
            lagged.replayFrom(WALL_START);
            exporter.replayFrom(WALL_START);
            now.set(WALL_START.plusSeconds(7 + 20));

            assertEquals(lagged.exposition(now.get()), exporter.exposition(WALL_START.plusSeconds(20)).lines()
                    .filter(l -> !l.contains("healthy-1/s")).map(l -> l + "\n").reduce("", String::concat),
                    "at +27 s it shows what an unlagged run shows at +20 s");
            assertEquals(0, counter(lagged.exposition(WALL_START.plusMillis(6_999)), "kanary_probes_total",
                    "sudden-30%/1", "v2"), "nothing before its start");
        }
    }

    @Test
    void shouldAnswerInPrometheusTextFormat() throws Exception {
        HttpResponse<String> response = get();

        assertEquals(200, response.statusCode());
        assertEquals(ReplayExporter.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().startsWith("# HELP kanary_probes_total "));
        assertTrue(response.body().contains("\n# TYPE kanary_probe_errors_total counter\n"));
    }

    @Test
    void shouldEscapeLabelValues() {
        ReplayRun odd = new ReplayRun("a\"b\\c\nd", sudden.scenario(), 1, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Map.of("v2", ReplaySeries.of(List.of())));
        try (ReplayExporter one = startQuietly(odd)) {
            assertTrue(one.exposition(WALL_START).contains("kanary_probes_total{run=\"a\\\"b\\\\c\\nd\",version=\"v2\"} 0\n"),
                    one.exposition(WALL_START));
        }
    }

    private ReplayExporter startQuietly(ReplayRun run) {
        try {
            return ReplayExporter.start(List.of(run), now::get);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = get();
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private HttpResponse<String> get() throws Exception {
        return http.send(HttpRequest.newBuilder(exporter.metricsUri()).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long counter(String body, String name, String run, String version) {
        String prefix = name + "{run=\"" + run + "\",version=\"" + version + "\"} ";
        return body.lines().filter(l -> l.startsWith(prefix)).mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
                .reduce((a, b) -> {
                    throw new AssertionError("two lines for " + prefix);
                }).orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + body));
    }
}
