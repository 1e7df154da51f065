package io.kanary.demo;

import java.util.Map;

/**
 * What the demo app is told to be: the port it listens on, the version it reports, how often its
 * health check fails and how long it takes to answer. Invalid settings fail fast with a message
 * that names the variable, so an executor's log tail says what was wrong.
 *
 * @param port        TCP port; 0 picks a free one (tests)
 * @param failureRate probability in [0, 1] that {@code GET /health}, and a request to {@code GET /}, answers 500
 * @param latencyMs   delay added before every answer
 */
public record DemoAppConfig(int port, String version, double failureRate, long latencyMs) {
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_VERSION = "v1";

    public DemoAppConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("PORT must be between 0 and 65535, was " + port);
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("DEMO_VERSION must not be blank");
        }
        if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
            throw new IllegalArgumentException("DEMO_FAILURE_RATE must be between 0 and 1, was " + failureRate);
        }
        if (latencyMs < 0) {
            throw new IllegalArgumentException("DEMO_LATENCY_MS must not be negative, was " + latencyMs);
        }
    }

    public static DemoAppConfig fromEnv(Map<String, String> env) {
        return new DemoAppConfig(
                (int) number(env, "PORT", DEFAULT_PORT),
                env.getOrDefault("DEMO_VERSION", DEFAULT_VERSION),
                fraction(env, "DEMO_FAILURE_RATE"),
                number(env, "DEMO_LATENCY_MS", 0));
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
        }
    }

    private static double fraction(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return 0.0;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number between 0 and 1, was '" + value + "'");
        }
    }
}
