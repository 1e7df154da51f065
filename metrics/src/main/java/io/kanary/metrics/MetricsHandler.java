package io.kanary.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the registry in Prometheus' text format, or in OpenMetrics when the scraper
 * asks for it (Prometheus does, by its Accept header). A service with its own router mounts this;
 * a service without one runs a {@link MetricsServer}.
 */
public final class MetricsHandler implements Handler<RoutingContext> {
    private final PrometheusMeterRegistry registry;

    public MetricsHandler(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        String contentType = accept != null && accept.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
        // Scraping walks every meter: off the event loop, so a large registry never stalls other requests.
        ctx.vertx().<String>executeBlocking(() -> registry.scrape(contentType), false)
                .onSuccess(body -> ctx.response().putHeader("Content-Type", contentType).end(body))
                .onFailure(ctx::fail);
    }
}
