package io.kanary.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DemoVerticleTest {
    private static final int REQUESTS = 20;

    @Test
    void shouldAlwaysAnswerOkWhenFailureRateIsZero(Vertx vertx, VertxTestContext ctx) {
        healthAnswers(vertx, new DemoAppConfig(0, "v2", 0.0, 0))
                .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
                    for (HttpResponse<Buffer> response : responses) {
                        assertEquals(200, response.statusCode());
                        JsonObject body = response.bodyAsJsonObject();
                        assertEquals("ok", body.getString("status"));
                        assertEquals("v2", body.getString("version"));
                        assertTrue(body.getString("instance").startsWith("pid-"));
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    void shouldAlwaysFailWhenFailureRateIsOne(Vertx vertx, VertxTestContext ctx) {
        healthAnswers(vertx, new DemoAppConfig(0, "v3", 1.0, 0))
                .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
                    for (HttpResponse<Buffer> response : responses) {
                        assertEquals(500, response.statusCode());
                        assertEquals("failing", response.bodyAsJsonObject().getString("status"));
                        assertEquals("v3", response.bodyAsJsonObject().getString("version"));
                    }
                    ctx.completeNow();
                })));
    }

    @Test
    void shouldReportItsVersionAtTheRootAfterTheConfiguredLatency(Vertx vertx, VertxTestContext ctx) {
        DemoVerticle verticle = new DemoVerticle(new DemoAppConfig(0, "v7", 0.0, 150));
        long[] sentAt = new long[1];
        vertx.deployVerticle(verticle)
                .compose(id -> {
                    sentAt[0] = System.nanoTime();
                    return WebClient.create(vertx).get(verticle.actualPort(), "127.0.0.1", "/").send();
                })
                .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
                    assertEquals(200, response.statusCode());
                    assertEquals("v7", response.bodyAsJsonObject().getString("version"));
                    assertTrue((System.nanoTime() - sentAt[0]) / 1_000_000 >= 150, "latency was not added");
                    ctx.completeNow();
                })));
    }

    @Test
    void shouldRejectInvalidSettingsNamingTheVariable() {
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> DemoAppConfig.fromEnv(Map.of("DEMO_FAILURE_RATE", "1.5")));
        assertTrue(rate.getMessage().contains("DEMO_FAILURE_RATE"), rate.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> DemoAppConfig.fromEnv(Map.of("PORT", "http")));
        assertTrue(port.getMessage().contains("PORT"), port.getMessage());
        DemoAppConfig defaults = DemoAppConfig.fromEnv(Map.of());
        assertEquals(new DemoAppConfig(8080, "v1", 0.0, 0), defaults);
    }

    private static Future<List<HttpResponse<Buffer>>> healthAnswers(Vertx vertx, DemoAppConfig config) {
        DemoVerticle verticle = new DemoVerticle(config);
        return vertx.deployVerticle(verticle).compose(id -> {
            WebClient client = WebClient.create(vertx);
            List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                calls.add(client.get(verticle.actualPort(), "127.0.0.1", "/health").send());
            }
            return Future.all(calls).map(all -> all.<HttpResponse<Buffer>>list());
        });
    }
}
