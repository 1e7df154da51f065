package io.kanary.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP server that answers {@code GET /metrics} (and {@code GET /healthz}) for a process
 * whose services have no HTTP port of their own. It has its own Vert.x instance so that stopping it
 * stops nothing else.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HttpServer server;

    private MetricsServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /**
     * Listens on {@code host:port} ({@code port} 0 picks a free one; {@link #port()} says which).
     *
     * @throws IllegalStateException naming the port when it cannot be bound
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, String host, int port) {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/metrics").handler(new MetricsHandler(registry));
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok\n"));
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(port, host)
                    .toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new MetricsServer(vertx, server);
        } catch (Exception e) {
            vertx.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot serve /metrics on " + host + ":" + port + " (" + cause.getMessage()
                    + "); choose another port with --metrics-port, or 0 for any free one", cause);
        }
    }

    /** The port it listens on. */
    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Stopping is best effort: the process is on its way out.
        }
    }
}
