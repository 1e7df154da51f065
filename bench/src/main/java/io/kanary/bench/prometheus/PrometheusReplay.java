package io.kanary.bench.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay exporter and the Prometheus servers scraping it, started and stopped together. Usage:
 * {@link #open}, {@link #startServers}, {@link #awaitFirstScrapes} (every server has scraped the still-zero counters), then
 * {@link #beginReplay}, wait out the streams, and {@link #firstFirings}; {@link #close} (safe from a
 * shutdown hook, and more than once) stops the servers and removes their directories.
 */
public final class PrometheusReplay implements AutoCloseable {
    /** The label every run's series, and so its alert, carries. */
    public static final String RUN_LABEL = "run";
    private static final Duration LEAD = Duration.ofSeconds(1);

    private final ReplayExporter exporter;
    private final List<PrometheusServer> servers;
    private Instant replayStart;
    private boolean closed;

    private PrometheusReplay(ReplayExporter exporter, List<PrometheusServer> servers) {
        this.exporter = exporter;
        this.servers = servers;
    }

    /**
     * Starts the exporter, counters at 0 until {@link #beginReplay}. Register {@link #close} as a
     * shutdown hook before {@link #startServers}, so that Ctrl-C during a start cleans up too.
     */
    public static PrometheusReplay open(List<ReplayRun> runs) {
        try {
            return new PrometheusReplay(ReplayExporter.start(runs, Clock.systemUTC()), new ArrayList<>());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the replay exporter", e);
        }
    }

    /** Starts one server per setup, each scraping the exporter and ready within {@code timeout}. */
    public void startServers(String prometheus, List<PrometheusSetup> setups, Duration timeout) {
        for (PrometheusSetup setup : setups) {
            add(PrometheusServer.start(prometheus, setup, exporter.target(), timeout));
        }
    }

    private synchronized void add(PrometheusServer server) {
        if (closed) {
            server.close();
            throw new IllegalStateException("closed while starting");
        }
        servers.add(server);
    }

    /** Waits (at most {@code timeout}) until every server has scraped the exporter successfully once. */
    public void awaitFirstScrapes(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (PrometheusServer server : servers()) {
            while (!server.targetUp()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("prometheus (" + server.setup().name() + ") did not scrape "
                            + exporter.target() + " within " + timeout);
                }
                sleep(Duration.ofMillis(250));
            }
        }
    }

    /** Starts the streams a moment from now (whole milliseconds) and returns that instant: each run's T0 is its lag later. */
    public synchronized Instant beginReplay() {
        replayStart = Instant.now().plus(LEAD).truncatedTo(ChronoUnit.MILLIS);
        exporter.replayFrom(replayStart);
        return replayStart;
    }

    /** Per server (by setup name), per run label: the evaluation at which its alert first fired, if it did. */
    public Map<String, Map<String, Instant>> firstFirings(Instant from, Instant to) {
        Map<String, Map<String, Instant>> firings = new LinkedHashMap<>();
        for (PrometheusServer server : servers()) {
            firings.put(server.setup().name(), server.firstFirings(RUN_LABEL, from, to));
        }
        return firings;
    }

    public synchronized List<PrometheusServer> servers() {
        return List.copyOf(servers);
    }

    public ReplayExporter exporter() {
        return exporter;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PrometheusServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                System.err.println("could not stop prometheus (" + server.setup().name() + "): " + e);
            }
        }
        exporter.close();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
