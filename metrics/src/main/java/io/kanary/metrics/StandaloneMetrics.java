package io.kanary.metrics;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} for a service started by its own {@code main}, outside {@code kanary up}: served on
 * {@code KANARY_METRICS_HOST}:{@code KANARY_METRICS_PORT} (default 127.0.0.1 and a free port, logged),
 * and stopped with the service when the JVM exits.
 */
public final class StandaloneMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneMetrics.class);

    private StandaloneMetrics() {
    }

    /**
     * Serves {@code metrics} beside {@code service} (already started with {@code metrics}' registry).
     * When {@code /metrics} cannot be served, {@code service} is closed and the error thrown.
     */
    public static MetricsServer serve(String name, AutoCloseable service, ProcessMetrics metrics, Map<String, String> env) {
        String host = env.getOrDefault("KANARY_METRICS_HOST", "127.0.0.1");
        MetricsServer server;
        try {
            server = MetricsServer.start(metrics.registry(), host, port(env));
        } catch (RuntimeException e) {
            closeQuietly(service);
            throw e;
        }
        LOG.info("{} metrics on http://{}:{}/metrics", name, host, server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(service);
            server.close();
            metrics.close();
        }, "kanary-" + name + "-shutdown"));
        return server;
    }

    static int port(Map<String, String> env) {
        String value = env.get("KANARY_METRICS_PORT");
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("KANARY_METRICS_PORT is '" + value + "'; set a port from 0 to 65535 "
                    + "(0: any free one)");
        }
    }

    private static void closeQuietly(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) {
            LOG.warn("the service did not stop cleanly: {}", e.getMessage());
        }
    }
}
