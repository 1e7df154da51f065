package io.kanary.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.health.probe.ProbeOutcome;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An overloaded probe loop sheds: the probes it cannot send on time, or whose answers it cannot read
 * on time, are published as skipped ("watcher overloaded"), never as failures of the healthy
 * instances behind them. The overload is forced (a bound of one probe in flight, a loop stalled
 * from inside), not left to timing luck; the outcomes are caught by a recording sink, and the
 * instances are real HTTP servers on a Vert.x of their own, which the stall does not reach.
 */
class ProbeSheddingTest {
    private static final long INTERVAL_MS = 100;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration MAX_LATENESS = Duration.ofMillis(200);

    private Vertx watcherVertx;
    private Vertx instancesVertx;
    private final List<ProbeOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final Map<String, String> skipReasons = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        watcherVertx = Vertx.vertx();
        instancesVertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        watcherVertx.close().await();
        instancesVertx.close().await();
    }

    @Test
    void shouldPublishProbesPastTheInFlightBoundAsSkippedWithTheReasonAndNeverAsFailures() {
        // Healthy but slow: each answer takes 300 ms, so with one probe allowed in flight the others must wait.
        HttpServer slow = server(300);
        ProbeVerticle shard = deploy(new ProbeVerticle.Shard(0, 1, 1, MAX_LATENESS), (instance, outcome) -> outcomes.add(outcome));
        for (int host = 1; host <= 3; host++) {
            started(shard, "host-" + host, slow);
        }

        await().atMost(WAIT).until(() -> count(true, null) >= 3 && skipped() >= 5);
        List<ProbeOutcome> seen = List.copyOf(outcomes);
        assertEquals(List.of(), failures(seen), "no healthy instance reported failed");
        assertEquals(List.of(new ProbeOutcome(false, 0, 0, null, null, ProbeResult.WATCHER_OVERLOADED)),
                seen.stream().filter(ProbeOutcome::wasSkipped)
                        .map(o -> new ProbeOutcome(o.ok(), o.statusCode(), o.latencyMs(), null, o.error(), o.skipped()))
                        .distinct().toList(), "skipped: not ok, no status, no latency, the reason");
        assertEquals("in_flight_limit", skipReasons.get("in_flight_limit"));
    }

    @Test
    void shouldPublishTheProbesOfAStalledLoopAsSkippedAndNeverAsFailures() {
        HttpServer healthy = server(0);
        AtomicBoolean stalled = new AtomicBoolean();
        ProbeVerticle shard = deploy(new ProbeVerticle.Shard(0, 1, 1_000, MAX_LATENESS), (instance, outcome) -> {
            outcomes.add(outcome);
            if (outcome.ok() && !stalled.getAndSet(true)) {
                // Stalls the probe loop from inside, as a long GC pause or a starved CPU would: every
                // timer and every answer of the loop waits 1.5 s, far past the 200 ms bound.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1_500));
            }
        });
        for (int host = 1; host <= 4; host++) {
            started(shard, "host-" + host, healthy);
        }

        await().atMost(WAIT).until(() -> skipped() >= 5 && count(true, null) >= 20);
        assertEquals(List.of(), failures(List.copyOf(outcomes)), "no healthy instance reported failed");
        assertEquals("late", skipReasons.get("late"), "the stalled loop's timers fired late and were shed");
    }

    private ProbeVerticle deploy(ProbeVerticle.Shard shard, ProbeSink sink) {
        ProbeVerticle verticle = new ProbeVerticle(sink, INTERVAL_MS, Duration.ofMillis(500), shard,
                new ProbeVerticle.Meters() {
                    @Override
                    public void skipped(String service, String reason) {
                        skipReasons.put(reason, reason);
                    }

                    @Override
                    public void sent(long lateNanos) {
                    }
                });
        watcherVertx.deployVerticle(verticle).await();
        return verticle;
    }

    private HttpServer server(long answerMs) {
        return instancesVertx.createHttpServer().requestHandler(request -> {
            if (answerMs == 0) {
                request.response().end("up");
            } else {
                instancesVertx.setTimer(answerMs, t -> request.response().end("up"));
            }
        }).listen(0, "127.0.0.1").await();
    }

    private static void started(ProbeVerticle shard, String host, HttpServer server) {
        String address = "http://127.0.0.1:" + server.actualPort();
        shard.onHostEvent(new HostEvent.Started("e-" + host, KanaryEvent.SCHEMA_VERSION, host, "c-" + host, "d-1",
                "web", "v1", new Instance("i-" + host, address, address + "/health"), Instant.now()), "e-" + host);
    }

    private long count(boolean ok, String skipped) {
        return outcomes.stream().filter(o -> o.ok() == ok && java.util.Objects.equals(o.skipped(), skipped)).count();
    }

    private long skipped() {
        return outcomes.stream().filter(ProbeOutcome::wasSkipped).count();
    }

    private static List<ProbeOutcome> failures(List<ProbeOutcome> seen) {
        return seen.stream().filter(o -> !o.ok() && !o.wasSkipped()).toList();
    }
}
