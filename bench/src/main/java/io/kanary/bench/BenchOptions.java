package io.kanary.bench;

import io.kanary.executor.driver.DemoImages;
import io.kanary.executor.driver.DockerSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * How to run the benchmark: {@code --runs N} (default 15) repetitions of each path, on the Docker
 * engine at {@code --endpoint} (default: the first of {@code KANARY_DOCKER_HOSTS}), with images built
 * from the static busybox at {@code --busybox}.
 */
public record BenchOptions(int runs, String endpoint, Path busybox) {
    public static final int DEFAULT_RUNS = 15;
    public static final String USAGE = "usage: RollbackBench [--runs N] [--endpoint unix:///path/docker.sock] "
            + "[--busybox /usr/bin/busybox]\n"
            + "  default endpoint: the first of KANARY_DOCKER_HOSTS (host-1=unix:///...,host-2=...)";

    public BenchOptions {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("no Docker engine: pass --endpoint unix:///... or set KANARY_DOCKER_HOSTS");
        }
    }

    public static BenchOptions parse(String[] args, Map<String, String> env) {
        int runs = DEFAULT_RUNS;
        String endpoint = null;
        Path busybox = DemoImages.DEFAULT_BUSYBOX;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--runs" -> runs = wholeNumber(value);
                case "--endpoint" -> endpoint = value;
                case "--busybox" -> busybox = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (endpoint == null) {
            endpoint = DockerSettings.parseHosts(env.getOrDefault("KANARY_DOCKER_HOSTS", ""))
                    .values().stream().findFirst().orElse(null);
        }
        return new BenchOptions(runs, endpoint, busybox);
    }

    private static int wholeNumber(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--runs must be a whole number, was '" + value + "'");
        }
    }
}
