package io.kanary.bench.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An exporter that replays many probe streams at once, in wall-clock time 1:1 from one common start:
 * at wall time {@code start + lag + d} a run's counters hold exactly its probes made at most {@code d}
 * after {@link io.kanary.bench.scenario.ProbeStreamGenerator#T0} (its {@link ReplayRun#lag()}, 0
 * unless given, staggers runs against the scrape grid); before that they are 0.
 * {@code GET /metrics} answers in Prometheus's text format:
 * <pre>
 * kanary_probes_total{run="sudden-30%/1",version="v2"} 1234
 * kanary_probe_errors_total{run="sudden-30%/1",version="v2"} 321
 * </pre>
 *
 * <p>The JDK's {@code com.sun.net.httpserver} rather than Vert.x: the bench has no Vert.x on its
 * classpath, and two Prometheus servers scraping every 5–15 s need nothing more than one blocking
 * handler thread; the counters are computed from the clock at the moment of the request.
 */
public final class ReplayExporter implements AutoCloseable {
    static final String PROBES = "kanary_probes_total";
    static final String ERRORS = "kanary_probe_errors_total";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final List<ReplayRun> runs;
    private final InstantSource clock;
    private final HttpServer server;
    private final ExecutorService handlerThread;
    private volatile Instant start;

    private ReplayExporter(List<ReplayRun> runs, InstantSource clock, HttpServer server, ExecutorService handlerThread) {
        this.runs = runs;
        this.clock = clock;
        this.server = server;
        this.handlerThread = handlerThread;
    }

    /** Serves {@code /metrics} on a free port of 127.0.0.1, counters at 0 until {@link #replayFrom}. */
    public static ReplayExporter start(List<ReplayRun> runs, InstantSource clock) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handlerThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "replay-exporter");
            t.setDaemon(true);
            return t;
        });
        ReplayExporter exporter = new ReplayExporter(List.copyOf(runs), clock, server, handlerThread);
        server.createContext("/metrics", exporter::handle);
        server.setExecutor(handlerThread);
        server.start();
        return exporter;
    }

    /** From {@code wallStart} on, the streams play: T0 of every run falls on it. */
    public void replayFrom(Instant wallStart) {
        this.start = wallStart;
    }

    /** {@code host:port}, as a scrape target. */
    public String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public URI metricsUri() {
        return URI.create("http://" + target() + "/metrics");
    }

    /** The exposition at wall time {@code now}. */
    String exposition(Instant now) {
        Instant replayStart = start;
        StringBuilder probes = new StringBuilder(runs.size() * 120);
        StringBuilder errors = new StringBuilder(runs.size() * 120);
        for (ReplayRun run : runs) {
            long elapsedMs = replayStart == null ? -1 : Duration.between(replayStart.plus(run.lag()), now).toMillis();
            // Sorted, so that the exposition is the same whatever map the run holds its versions in.
            for (Map.Entry<String, ReplaySeries> version : new TreeMap<>(run.versions()).entrySet()) {
                ReplaySeries.Counts counts = version.getValue().at(elapsedMs);
                String labels = "{run=\"" + escape(run.label()) + "\",version=\"" + escape(version.getKey()) + "\"} ";
                probes.append(PROBES).append(labels).append(counts.probes()).append('\n');
                errors.append(ERRORS).append(labels).append(counts.errors()).append('\n');
            }
        }
        return "# HELP " + PROBES + " Probes made so far in the replayed run, per probed version.\n"
                + "# TYPE " + PROBES + " counter\n" + probes
                + "# HELP " + ERRORS + " Failed probes (HTTP 500 or host down) so far in the replayed run.\n"
                + "# TYPE " + ERRORS + " counter\n" + errors;
    }

    /** A label value as the text format wants it: backslash, double quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = exposition(clock.instant()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlerThread.shutdownNow();
    }
}
