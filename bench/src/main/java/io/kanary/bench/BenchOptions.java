package io.kanary.bench;

import io.kanary.demo.DemoImages;
import io.kanary.executor.driver.DockerSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How to run the benchmark: {@code --runs N} (default 15) repetitions of each path, on the Docker
 * engine at {@code --endpoint} (default: the first of {@code KANARY_DOCKER_HOSTS}), with images built
 * from the static busybox at {@code --busybox}.
 */
public record BenchOptions(int runs, String endpoint, Path busybox) {
    public static final int DEFAULT_RUNS = 15;

    public BenchOptions {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("no Docker engine: pass --endpoint unix:///... or set KANARY_DOCKER_HOSTS");
        }
    }

    /** RollbackBench's command line. */
    @Command(name = "RollbackBench", description = "Warm rollback against cold redeploy on a real Docker engine; prints a table.")
    public static final class Flags {
        @Mixin
        BenchArgs.Help help;

        @Option(names = "--runs", description = "Repetitions of each path (default: ${DEFAULT-VALUE}).")
        int runs = DEFAULT_RUNS;

        @Option(names = "--endpoint", paramLabel = "URL",
                description = "The Docker engine, e.g. unix:///var/run/docker.sock (default: the first of KANARY_DOCKER_HOSTS).")
        String endpoint;

        @Option(names = "--busybox", paramLabel = "PATH",
                description = "The static busybox the images are built from (default: ${DEFAULT-VALUE}).")
        Path busybox = DemoImages.DEFAULT_BUSYBOX;

        /** The options, the endpoint defaulting to the first engine of {@code KANARY_DOCKER_HOSTS} in {@code env}. */
        public BenchOptions options(Map<String, String> env) {
            String engine = endpoint != null ? endpoint : DockerSettings.parseHosts(env.getOrDefault("KANARY_DOCKER_HOSTS", ""))
                    .values().stream().findFirst().orElse(null);
            return new BenchOptions(runs, engine, busybox);
        }
    }
}
