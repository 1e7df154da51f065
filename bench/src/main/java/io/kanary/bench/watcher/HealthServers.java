package io.kanary.bench.watcher;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The instances the watcher probes: real HTTP servers inside the bench's JVM, one port each (Vert.x
 * pools connections per host and port, so each is an instance of its own to the watcher), on a
 * Vert.x of their own with two event loops. Each answers {@code GET /health} with 200 "up" and
 * records its own handling time (request read to response written) while recording is on.
 */
final class HealthServers implements AutoCloseable {
    private static final int MAX_SAMPLES = 1 << 21;

    private final Vertx vertx;
    private final List<HttpServer> servers;
    private final long[] handlingNanos = new long[MAX_SAMPLES];
    private final AtomicInteger samples = new AtomicInteger();
    private volatile boolean recording;

    private HealthServers(Vertx vertx, List<HttpServer> servers) {
        this.vertx = vertx;
        this.servers = servers;
    }

    static HealthServers start(int count) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        HealthServers created = new HealthServers(vertx, new ArrayList<>());
        for (int i = 0; i < count; i++) {
            created.servers.add(vertx.createHttpServer()
                    .requestHandler(request -> {
                        long began = System.nanoTime();
                        request.response().end("up");
                        created.record(System.nanoTime() - began);
                    })
                    .listen(0, "127.0.0.1")
                    .await());
        }
        return created;
    }

    private void record(long nanos) {
        if (recording) {
            int i = samples.getAndIncrement();
            if (i < MAX_SAMPLES) {
                handlingNanos[i] = nanos;
            }
        }
    }

    /** The health URL of server {@code i}. */
    String healthUrl(int i) {
        return address(i) + "/health";
    }

    String address(int i) {
        return "http://127.0.0.1:" + servers.get(i).actualPort();
    }

    int size() {
        return servers.size();
    }

    /** Forgets what was recorded and records from now on. */
    void startRecording() {
        samples.set(0);
        recording = true;
    }

    /** Stops recording; the handling times recorded since {@link #startRecording}, in microseconds, sorted. */
    double[] stopRecording() {
        recording = false;
        int n = Math.min(samples.get(), MAX_SAMPLES);
        double[] micros = new double[n];
        for (int i = 0; i < n; i++) {
            micros[i] = handlingNanos[i] / 1_000.0;
        }
        Arrays.sort(micros);
        return micros;
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
