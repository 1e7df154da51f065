package io.kanary.health.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HealthProbeTest {
    /**
     * Generous, so that a loaded machine's first request (class loading, a cold JIT) is still an
     * answer; only the hanging server's test waits it out, with a probe of its own.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);

    private HttpServer server;
    private HealthProbe probe;
    private HealthProbe impatient;

    /** /ok answers 200, /broken 500, /hang never answers. */
    @BeforeEach
    void startServer(Vertx vertx, VertxTestContext ctx) {
        probe = HealthProbe.create(vertx, TIMEOUT);
        impatient = HealthProbe.create(vertx, SHORT_TIMEOUT);
        vertx.createHttpServer()
                .requestHandler(request -> {
                    switch (request.path()) {
                        case "/ok" -> request.response().end("up");
                        case "/broken" -> request.response().setStatusCode(500).end("down");
                        default -> { /* /hang: never answer */ }
                    }
                })
                .listen(0, "127.0.0.1")
                .onComplete(ctx.succeeding(s -> {
                    server = s;
                    ctx.completeNow();
                }));
    }

    @AfterEach
    void stop() {
        probe.close();
        impatient.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Test
    void shouldReportOkFor2xx(VertxTestContext ctx) {
        Instant before = Instant.now();
        probe.probe(url("/ok")).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
            assertTrue(outcome.ok());
            assertEquals(200, outcome.statusCode());
            assertNull(outcome.error());
            assertFalse(outcome.probedAt().isBefore(before));
            ctx.completeNow();
        })));
    }

    @Test
    void shouldReportNotOkWithStatusFor500(VertxTestContext ctx) {
        probe.probe(url("/broken")).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
            assertFalse(outcome.ok());
            assertEquals(500, outcome.statusCode());
            assertNull(outcome.error());
            ctx.completeNow();
        })));
    }

    @Test
    void shouldReportNoAnswerAfterTimeoutWhenServerHangs(VertxTestContext ctx) {
        impatient.probe(url("/hang")).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
            assertFalse(outcome.ok());
            assertEquals(0, outcome.statusCode());
            assertEquals("no answer within 500 ms", outcome.error());
            assertTrue(outcome.latencyMs() >= SHORT_TIMEOUT.toMillis() - 50, "gave up after " + outcome.latencyMs() + " ms");
            ctx.completeNow();
        })));
    }

    @Test
    void shouldReportNoAnswerWhenNothingListens(Vertx vertx, VertxTestContext ctx) {
        String closedPort = url("/ok");
        server.close().compose(v -> probe.probe(closedPort)).onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
            assertFalse(outcome.ok());
            assertEquals(0, outcome.statusCode());
            assertNotNull(outcome.error());
            ctx.completeNow();
        })));
    }
}
