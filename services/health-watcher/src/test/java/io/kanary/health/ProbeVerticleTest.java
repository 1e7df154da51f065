package io.kanary.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.health.probe.ProbeOutcome;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probing schedule of one instance against a real HTTP server, its outcomes caught by a
 * recording sink instead of Kafka: a probe every 100 ms of an instance that needs 600 ms to answer.
 */
class ProbeVerticleTest {
    private static final long INTERVAL_MS = 100;
    private static final long ANSWER_MS = 600;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Vertx vertx;
    private final List<ProbeOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpenAtOnce = new AtomicInteger();
    private ProbeVerticle verticle;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void shouldReadASlowInstanceAsSlowNotAsFailingAndCountTheProbesItSkips() {
        HttpServer slow = server(request -> vertx.setTimer(ANSWER_MS, t -> answer(request)));
        probe(slow, Duration.ofSeconds(10));

        await().atMost(WAIT).until(() -> outcomes.size() >= 5);
        List<ProbeOutcome> seen = new ArrayList<>(outcomes);
        assertEquals(List.of(true), seen.stream().map(ProbeOutcome::ok).distinct().toList(), "no probe failed: " + seen);
        assertEquals(List.of(200), seen.stream().map(ProbeOutcome::statusCode).distinct().toList());
        assertTrue(seen.stream().allMatch(o -> o.latencyMs() >= ANSWER_MS), "each reads as the slow answer it is: " + seen);
        assertEquals(1, mostOpenAtOnce.get(), "never two probes of one instance in flight");
        // Every answer takes at least 600 ms, so at least the 5 probes falling due meanwhile are skipped.
        assertTrue(verticle.skippedProbes() >= seen.size() - 1, "skipped " + verticle.skippedProbes());
    }

    @Test
    void shouldStillReportAHangingInstanceAsFailingOncePerTimeout() {
        HttpServer hanging = server(request -> { /* never answers */ });
        probe(hanging, Duration.ofMillis(300));

        await().atMost(WAIT).until(() -> outcomes.size() >= 3);
        List<ProbeOutcome> seen = new ArrayList<>(outcomes);
        assertEquals(List.of("no answer within 300 ms"), seen.stream().map(ProbeOutcome::error).distinct().toList());
        assertTrue(verticle.skippedProbes() >= 1, "skipped " + verticle.skippedProbes());
    }

    @Test
    void shouldTakeADeploymentStartWithoutAPolicyAndGoOnProbing() {
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        vertx.exceptionHandler(uncaught::add);
        HttpServer up = server(this::answer);
        verticle = new ProbeVerticle((instance, outcome) -> answered(outcome), INTERVAL_MS, Duration.ofSeconds(10));
        vertx.deployVerticle(verticle).await();
        verticle.onDeploymentStarted(new DeploymentEvent.Started("e-0", KanaryEvent.SCHEMA_VERSION, "d-1", "web", "v1",
                null, Map.of(), null, null, List.of(List.of("host-1")), "alice", Instant.now()));
        String address = "http://127.0.0.1:" + up.actualPort();
        verticle.onHostEvent(new HostEvent.Started("e-1", KanaryEvent.SCHEMA_VERSION, "host-1", "c-1", "d-1", "web",
                "v1", new Instance("i-1", address, address + "/health"), Instant.now()), "e-1");

        await().atMost(WAIT).until(() -> !outcomes.isEmpty());
        assertEquals(200, outcomes.get(0).statusCode());
        assertEquals(List.of(), uncaught, "the start without a policy was taken without an error");
    }

    /** Records the probes answered (or not): a probe the loaded test machine made the verticle skip is no outcome here. */
    private void answered(ProbeOutcome outcome) {
        if (!outcome.wasSkipped()) {
            outcomes.add(outcome);
        }
    }

    private HttpServer server(io.vertx.core.Handler<HttpServerRequest> handler) {
        return vertx.createHttpServer().requestHandler(request -> {
            mostOpenAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
            handler.handle(request);
        }).listen(0, "127.0.0.1").await();
    }

    private void answer(HttpServerRequest request) {
        open.decrementAndGet();
        request.response().end("up");
    }

    private void probe(HttpServer server, Duration timeout) {
        verticle = new ProbeVerticle((instance, outcome) -> answered(outcome), INTERVAL_MS, timeout);
        vertx.deployVerticle(verticle).await();
        String address = "http://127.0.0.1:" + server.actualPort();
        verticle.onHostEvent(new HostEvent.Started("e-1", KanaryEvent.SCHEMA_VERSION, "host-1", "c-1", "d-1", "web",
                "v1", new Instance("i-1", address, address + "/health"), Instant.now()), "e-1");
    }
}
