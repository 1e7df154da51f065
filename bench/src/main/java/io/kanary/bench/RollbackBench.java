package io.kanary.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import io.kanary.demo.DemoImages;
import io.kanary.executor.driver.DockerDriver;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.PullPolicy;
import io.kanary.executor.driver.RunningInstance;
import io.kanary.kafka.Ids;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * The rollback benchmark: how much faster a warm rollback (start the kept, stopped v1 container) brings
 * v1 back than a cold redeploy (what a tool without a warm copy does: remove it, create and start
 * v1 again), on one real Docker engine.
 *
 * <p>Every repetition starts from the same point — v1 deployed, then v2 deployed, v1 kept stopped —
 * on a fresh service, and both paths end at the same observable point: v1's health URL answers 200
 * with version v1 (polled every ~10 ms). Both include stopping v2. Warm and cold alternate
 * (warm, cold, warm, cold …) so the noise of this shared machine hits both alike; one untimed pair
 * warms the JVM and the engine first. Everything it creates (containers on its own host id, images
 * in its own repository) is removed at the end, also on Ctrl-C.
 */
public final class RollbackBench {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final BenchOptions options;
    private final DockerClient docker;
    private final DockerDriver driver;
    private final String hostId;
    private final RunSpec v1;
    private final RunSpec v2;
    private final HealthPoller poller = new HealthPoller(HEALTH_DEADLINE);
    private int services;

    /** One timed path: total to healthy, of which the driver call, and (cold) the removal. */
    record Timing(double totalMs, double driverMs, double removeMs) {
    }

    private RollbackBench(BenchOptions options, DockerClient docker, DockerDriver driver, String hostId,
                          List<String> images) {
        this.options = options;
        this.docker = docker;
        this.driver = driver;
        this.hostId = hostId;
        this.v1 = DemoImages.runSpec(images.get(0));
        this.v2 = DemoImages.runSpec(images.get(1));
    }

    public static void main(String[] args) throws Exception {
        // The driver logs every create/start/stop at info; the table is what matters here.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        BenchOptions options = BenchArgs.parseOrExit(new BenchOptions.Flags(), args, f -> f.options(System.getenv()));
        System.out.println(run(options));
    }

    /** Runs the benchmark and returns the printed table. */
    public static String run(BenchOptions options) throws IOException, InterruptedException, DriverException {
        String suffix = Ids.newId().substring(0, 8);
        String hostId = "bench-" + suffix;
        String repository = "kanary-bench-" + suffix;
        DockerSettings settings = new DockerSettings(Map.of(hostId, options.endpoint()), null, false, PullPolicy.NEVER,
                2, CALL_TIMEOUT, false);
        try (DockerClient docker = settings.client(options.endpoint())) {
            docker.pingCmd().exec();
            AtomicBoolean cleaned = new AtomicBoolean();
            Runnable cleanup = () -> {
                if (cleaned.compareAndSet(false, true)) {
                    removeEverything(docker, hostId, repository);
                }
            };
            Thread hook = new Thread(cleanup, "rollback-bench-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                System.err.printf("Building %s:v1..v3 on %s%n", repository, options.endpoint());
                List<String> images = DemoImages.build(docker, options.busybox(), repository);
                try (DockerDriver driver = new DockerDriver(hostId, docker, DockerSettings.hostAddress(options.endpoint()),
                        settings, START_DEADLINE)) {
                    return new RollbackBench(options, docker, driver, hostId, images).measure();
                }
            } finally {
                cleanup.run();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // The JVM is shutting down already: the hook finds everything removed.
                }
            }
        }
    }

    private String measure() throws IOException, InterruptedException, DriverException {
        warm();
        cold();
        List<Timing> warm = new ArrayList<>();
        List<Timing> cold = new ArrayList<>();
        for (int i = 1; i <= options.runs(); i++) {
            warm.add(warm());
            cold.add(cold());
            System.err.printf(Locale.ROOT, "run %d/%d: warm %.1f ms, cold %.1f ms%n", i, options.runs(),
                    warm.get(i - 1).totalMs(), cold.get(i - 1).totalMs());
        }
        String header = String.format(Locale.ROOT, "kanary rollback bench, %s, engine %s, %d runs each, interleaved "
                        + "warm/cold, time to v1 answering 200 with version v1",
                OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS), options.endpoint(), options.runs());
        String notes = String.format(Locale.ROOT, """
                        of which the driver call (median): warm %.1f ms (rollback), cold %.1f ms (deploy); \
                        removing the kept v1 (median): %.1f ms
                        machine: %d cores, shared with other builds and tests (noisy): compare the ratio, not absolute times
                        """,
                Summary.of(column(warm, Timing::driverMs)).median(), Summary.of(column(cold, Timing::driverMs)).median(),
                Summary.of(column(cold, Timing::removeMs)).median(), Runtime.getRuntime().availableProcessors());
        return ResultTable.render(header, Summary.of(column(warm, Timing::totalMs)),
                Summary.of(column(cold, Timing::totalMs)), notes);
    }

    /** From v1 kept stopped and v2 running: {@code driver.rollback} until v1 answers healthy. */
    private Timing warm() throws IOException, InterruptedException, DriverException {
        String service = startingPoint();
        String keptV1 = driver.previousContainerId(service).orElseThrow();
        long start = System.nanoTime();
        RunningInstance back = driver.rollback(service)
                .orElseThrow(() -> new IllegalStateException("nothing to roll back to"));
        long driverDone = System.nanoTime();
        poller.awaitVersion(back.instance().healthUrl(), "v1");
        long healthy = System.nanoTime();
        check(driver.currentContainerId(service).orElseThrow().equals(keptV1),
                "the warm rollback must start the kept v1 container, not create one");
        finish(service);
        return new Timing(millis(start, healthy), millis(start, driverDone), 0);
    }

    /** From the same point: remove the kept v1, {@code driver.deploy(v1)} (create, start, stop v2) until v1 answers healthy. */
    private Timing cold() throws IOException, InterruptedException, DriverException {
        String service = startingPoint();
        String keptV1 = driver.previousContainerId(service).orElseThrow();
        long start = System.nanoTime();
        docker.removeContainerCmd(keptV1).withForce(true).exec();
        long removed = System.nanoTime();
        Instance v1Again = driver.deploy(service, "v1", v1);
        long driverDone = System.nanoTime();
        poller.awaitVersion(v1Again.healthUrl(), "v1");
        long healthy = System.nanoTime();
        check(!driver.currentContainerId(service).orElseThrow().equals(keptV1), "the cold path must create v1 again");
        finish(service);
        return new Timing(millis(start, healthy), millis(removed, driverDone), millis(start, removed));
    }

    /** A fresh service with v1 deployed, then v2 deployed: v2 runs, v1 is kept stopped. */
    private String startingPoint() throws DriverException {
        String service = "bench-shop-" + (++services);
        driver.deploy(service, "v1", v1);
        driver.deploy(service, "v2", v2);
        check(driver.previousContainerId(service).isPresent(), "v1 must be kept after deploying v2");
        return service;
    }

    /** Both paths must end with only v1 running (v2 stopped); then the service's containers go. */
    private void finish(String service) {
        List<Container> containers = containers(service);
        List<String> running = containers.stream()
                .filter(c -> "running".equals(c.getState()))
                .map(c -> c.getLabels().get(DockerDriver.LABEL_VERSION))
                .toList();
        check(running.equals(List.of("v1")), "only v1 must run at the end, running: " + running);
        for (Container container : containers) {
            removeQuietly(docker, container.getId());
        }
    }

    private List<Container> containers(String service) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerDriver.LABEL_HOST, hostId, DockerDriver.LABEL_SERVICE, service))
                .exec();
    }

    private static void removeEverything(DockerClient docker, String hostId, String repository) {
        try {
            for (Container container : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerDriver.LABEL_HOST, hostId)).exec()) {
                removeQuietly(docker, container.getId());
            }
            DemoImages.remove(docker, repository);
        } catch (RuntimeException e) {
            System.err.println("Cleanup incomplete (remove containers labelled " + DockerDriver.LABEL_HOST + "=" + hostId
                    + " and images labelled " + DemoImages.LABEL + "=" + repository + " by hand): " + e.getMessage());
        }
    }

    private static void removeQuietly(DockerClient docker, String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException e) {
            // Already gone.
        }
    }

    private static List<Double> column(List<Timing> timings, ToDoubleFunction<Timing> field) {
        return timings.stream().map(field::applyAsDouble).toList();
    }

    private static double millis(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1_000_000.0;
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark precondition broken: " + what);
        }
    }
}
