package io.kanary.health.probe;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A probe's latency is the instance's answer time, not the time the probe waited in the watcher:
 * here it waits for a connection behind {@value HealthProbe#CONNECTIONS_PER_ENDPOINT} held requests
 * (every connection of the endpoint busy) for a full second, then is answered at once.
 */
class ProbeLatencyTest {
    private static final long HOLD_MS = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Vertx vertx;
    private Vertx serverVertx;
    private HttpServer server;
    private final Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Instant> releasedAt = new AtomicReference<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        serverVertx = Vertx.vertx();
        server = serverVertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/held")) {
                held.add(request);
                if (held.size() == HealthProbe.CONNECTIONS_PER_ENDPOINT) {
                    serverVertx.setTimer(HOLD_MS, t -> {
                        releasedAt.set(Instant.now());
                        held.forEach(r -> r.response().end("up"));
                    });
                }
            } else {
                request.response().end("up");
            }
        }).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
        serverVertx.close().await();
    }

    @Test
    void shouldMeasureLatencyFromTheRequestWrittenNotFromWhenTheProbeWasAskedFor() {
        HealthProbe probe = HealthProbe.create(vertx, Duration.ofSeconds(20));
        String base = "http://127.0.0.1:" + server.actualPort();
        List<Future<ProbeOutcome>> busy = new ArrayList<>();
        for (int i = 0; i < HealthProbe.CONNECTIONS_PER_ENDPOINT; i++) {
            busy.add(probe.probe(base + "/held"));
        }
        await().atMost(WAIT).until(() -> held.size() == HealthProbe.CONNECTIONS_PER_ENDPOINT);
        ProbeOutcome queued = probe.probe(base + "/quick").await();

        assertTrue(queued.ok(), queued.toString());
        assertFalse(queued.probedAt().isBefore(releasedAt.get()), "sent once a connection was free: " + queued
                + ", released at " + releasedAt.get());
        assertTrue(queued.latencyMs() < HOLD_MS, "the wait is not the instance's latency: " + queued);
        assertEquals(List.of(true), busy.stream().map(f -> f.await().ok()).distinct().toList());
    }
}
