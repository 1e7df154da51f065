package io.kanary.dashboard;

import io.kanary.dashboard.feed.DashboardView;
import io.kanary.dashboard.feed.TopicFeed;
import io.kanary.dashboard.http.DashboardServer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** The live web dashboard: its feed from the topics and the page that shows it. */
public final class DashboardService implements AutoCloseable {
    private final Vertx vertx;
    private final TopicFeed feed;
    private final DashboardServer server;

    private DashboardService(Vertx vertx, TopicFeed feed, DashboardServer server) {
        this.vertx = vertx;
        this.feed = feed;
        this.server = server;
    }

    /** Starts reading the topics and serving the page; returns when the page answers. */
    public static DashboardService start(DashboardConfig config) {
        DashboardView view = new DashboardView(config.metricWindow(), config.chartPoints());
        TopicFeed feed = new TopicFeed(config.kafka(), view, config.meterRegistry()).start();
        Vertx vertx = Vertx.vertx();
        DashboardServer server = new DashboardServer(config, view);
        try {
            vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            try {
                feed.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("The dashboard could not listen on " + config.httpHost() + ":"
                    + config.httpPort() + ": " + e.getMessage() + "; give another port (0 for a free one)", e);
        }
        return new DashboardService(vertx, feed, server);
    }

    /** The port the page is served on (chosen at start when the config said 0). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            feed.close();
        }
    }
}
