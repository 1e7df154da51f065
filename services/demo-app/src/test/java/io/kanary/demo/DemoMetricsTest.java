package io.kanary.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a Prometheus scrape of the demo app reads: its requests to {@code /}, by status, with latency buckets. */
@ExtendWith(VertxExtension.class)
class DemoMetricsTest {

    @Test
    void shouldExposeRequestsToTheRootByStatusAndUriWithBucketsButNotProbesOrScrapes(Vertx vertx, VertxTestContext ctx) {
        DemoVerticle app = new DemoVerticle(new DemoAppConfig(0, "v2", 0.0, 0));
        vertx.deployVerticle(app)
                .compose(id -> sendAll(vertx, app, "/", 3))
                .compose(root -> sendAll(vertx, app, "/health", 2))
                .compose(health -> sendAll(vertx, app, "/metrics", 1))
                .compose(first -> WebClient.create(vertx).get(app.actualPort(), "127.0.0.1", "/metrics").send())
                .onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
                    String text = scrape.bodyAsString();
                    assertEquals("text/plain; version=0.0.4; charset=utf-8", scrape.getHeader("Content-Type"));
                    assertTrue(text.contains("http_server_requests_seconds_count{status=\"200\",uri=\"/\"} 3\n"), text);
                    assertTrue(text.contains("http_server_requests_seconds_bucket{status=\"200\",uri=\"/\",le=\"0.005\"}"), text);
                    assertTrue(text.contains("http_server_requests_seconds_bucket{status=\"200\",uri=\"/\",le=\"0.05\"} 3\n"), text);
                    assertTrue(text.contains("http_server_requests_seconds_bucket{status=\"200\",uri=\"/\",le=\"5.0\"} 3\n"), text);
                    assertTrue(text.contains("http_server_requests_seconds_bucket{status=\"200\",uri=\"/\",le=\"+Inf\"} 3\n"), text);
                    assertFalse(text.contains("uri=\"/health\""), text);
                    assertFalse(text.contains("uri=\"/metrics\""), text);
                    ctx.completeNow();
                })));
    }

    @Test
    void shouldCountFailedRequestsUnderTheirStatus(Vertx vertx, VertxTestContext ctx) {
        DemoVerticle app = new DemoVerticle(new DemoAppConfig(0, "v3", 1.0, 0));
        vertx.deployVerticle(app)
                .compose(id -> sendAll(vertx, app, "/", 4))
                .compose(answers -> {
                    answers.forEach(a -> assertEquals(500, a.statusCode()));
                    return WebClient.create(vertx).get(app.actualPort(), "127.0.0.1", "/metrics").send();
                })
                .onComplete(ctx.succeeding(scrape -> ctx.verify(() -> {
                    String text = scrape.bodyAsString();
                    assertTrue(text.contains("http_server_requests_seconds_count{status=\"500\",uri=\"/\"} 4\n"), text);
                    assertFalse(text.contains("status=\"200\""), text);
                    ctx.completeNow();
                })));
    }

    /** {@code n} GETs of {@code path}, one after the other. */
    private static Future<List<HttpResponse<Buffer>>> sendAll(Vertx vertx, DemoVerticle app, String path, int n) {
        WebClient client = WebClient.create(vertx);
        List<HttpResponse<Buffer>> answers = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < n; i++) {
            chain = chain.compose(v -> client.get(app.actualPort(), "127.0.0.1", path).send()
                    .map(answer -> {
                        answers.add(answer);
                        return null;
                    }));
        }
        return chain.map(v -> answers);
    }
}
