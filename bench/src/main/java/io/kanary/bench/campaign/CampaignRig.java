package io.kanary.bench.campaign;

import io.kanary.bench.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * The campaign's world: three Kafka nodes (a KRaft quorum of 3, replication 3,
 * {@code min.insync.replicas} 2) and the four services, each its own OS process started with
 * {@code kanary broker} or {@code kanary up --services X} from this JVM's classpath. Every process
 * carries the campaign's marker in its command line, and so do the app instances the executor
 * starts, so that the end of the campaign finds and stops all of them.
 */
final class CampaignRig implements AutoCloseable {
    static final int BROKERS = 3;
    private static final String CLI_MAIN = "io.kanary.cli.Kanary";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final String marker;
    private final Path workDir;
    private final boolean keepWorkDir;
    private final List<String> hosts;
    private final List<ManagedProcess> brokers = new ArrayList<>();
    private final List<ManagedProcess> services = new ArrayList<>();
    private final int plannerPort;
    private final String bootstrap;
    private final Consumer<String> log;

    CampaignRig(String runId, Path workDir, boolean keepWorkDir, int hostCount, Consumer<String> log) {
        this.marker = "-Dkanary.campaign=" + runId;
        this.workDir = workDir;
        this.keepWorkDir = keepWorkDir;
        this.log = log;
        this.hosts = IntStream.rangeClosed(1, hostCount).mapToObj(i -> "host-" + i).toList();
        int[] ports = freePorts(2 * BROKERS + 1);
        this.plannerPort = ports[2 * BROKERS];
        String clusterId = Uuid.randomUuid().toString();
        List<String> voters = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        for (int n = 1; n <= BROKERS; n++) {
            voters.add(n + "@localhost:" + ports[2 * n - 1]);
            clients.add("localhost:" + ports[2 * n - 2]);
        }
        this.bootstrap = String.join(",", clients);
        for (int n = 1; n <= BROKERS; n++) {
            brokers.add(new ManagedProcess("broker-" + n, FaultKind.BROKER, cli("384m", "broker", "--node-id", Integer.toString(n),
                    "--cluster-id", clusterId, "--port", Integer.toString(ports[2 * n - 2]),
                    "--controller-port", Integer.toString(ports[2 * n - 1]), "--voters", String.join(",", voters),
                    "--data-dir", workDir.resolve("kafka-" + n).toString()), "broker " + n + " ready",
                    workDir.resolve("broker-" + n + ".log")));
        }
        // Its own data dir, so the API token it makes is the campaign's (not the user's ~/.kanary one).
        services.add(service(FaultKind.PLANNER, "--http-port", Integer.toString(plannerPort),
                "--data-dir", workDir.resolve("planner").toString()));
        services.add(service(FaultKind.EXECUTOR, "--executor-id", "campaign-executor", "--hosts", String.join(",", hosts),
                "--log-dir", workDir.resolve("instances").toString()));
        services.add(service(FaultKind.HEALTH_WATCHER));
        services.add(service(FaultKind.BREACH_DETECTOR, "--state-dir", workDir.resolve("detector-state").toString()));
    }

    private ManagedProcess service(FaultKind kind, String... extra) {
        List<String> args = new ArrayList<>(List.of("up", "--bootstrap-server", bootstrap, "--services", kind.label(),
                "--replication-factor", Integer.toString(BROKERS)));
        args.addAll(List.of(extra));
        return new ManagedProcess(kind.label(), kind, cli("256m", args.toArray(String[]::new)), "kanary is up:",
                workDir.resolve(kind.label() + ".log"));
    }

    private List<String> cli(String heap, String... args) {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + heap, "-XX:+UseSerialGC", marker,
                "-cp", System.getProperty("java.class.path"), CLI_MAIN));
        command.addAll(List.of(args));
        return command;
    }

    /** The app's argv: demo-app from this classpath, marked as the campaign's. */
    List<String> appCommand() {
        return List.of(javaExecutable(), "-Xmx48m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", marker,
                "-cp", System.getProperty("java.class.path"), WorldScan.APP_MAIN);
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The brokers all at once (they form their quorum together), then the planner, then the other services. */
    Map<String, Long> start() {
        Map<String, Long> ready = new java.util.LinkedHashMap<>();
        brokers.forEach(ManagedProcess::start);
        brokers.forEach(b -> ready.put(b.name(), b.awaitReady(READY_TIMEOUT)));
        // The planner first: it creates the topics, so the others do not race to.
        ManagedProcess planner = services.get(0);
        planner.start();
        ready.put(planner.name(), planner.awaitReady(READY_TIMEOUT));
        List<ManagedProcess> rest = services.subList(1, services.size());
        rest.forEach(ManagedProcess::start);
        rest.forEach(s -> ready.put(s.name(), s.awaitReady(READY_TIMEOUT)));
        log.accept("every process ready (ms from start): " + ready);
        return ready;
    }

    /** The processes a fault of {@code kind} may hit. */
    List<ManagedProcess> targets(FaultKind kind) {
        return kind == FaultKind.BROKER ? brokers : services.stream().filter(s -> s.kind() == kind).toList();
    }

    /** Starts again every process found dead; the time each took to be ready, by name. */
    Map<String, Long> restartDead() {
        Map<String, Long> restarted = new java.util.LinkedHashMap<>();
        for (ManagedProcess p : all()) {
            if (!p.alive()) {
                p.start();
                restarted.put(p.name(), p.awaitReady(READY_TIMEOUT));
            }
        }
        return restarted;
    }

    List<ManagedProcess> all() {
        List<ManagedProcess> all = new ArrayList<>(brokers);
        all.addAll(services);
        return all;
    }

    static Duration readyTimeout() {
        return READY_TIMEOUT;
    }

    /** The API token the planner made at its first start (an operator's). */
    Path plannerTokenFile() {
        return workDir.resolve("planner").resolve("api-token");
    }

    int plannerPort() {
        return plannerPort;
    }

    String bootstrapServers() {
        return bootstrap;
    }

    List<String> hosts() {
        return hosts;
    }

    String marker() {
        return marker;
    }

    Path workDir() {
        return workDir;
    }

    /**
     * Stops the services (SIGTERM: the executor stops its instances), then the brokers, then kills
     * whatever marked process is left (instances of an executor that was killed), and removes the
     * work directory unless asked to keep it.
     */
    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).stop(STOP_GRACE);
        }
        brokers.forEach(b -> b.stop(STOP_GRACE));
        List<ProcessHandle> left = WorldScan.marked(marker);
        left.forEach(ProcessHandle::destroyForcibly);
        left.forEach(p -> p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> p).join());
        if (!left.isEmpty()) {
            log.accept("killed " + left.size() + " process(es) left behind by the campaign");
        }
        if (!keepWorkDir) {
            TempDirs.delete(workDir);
        }
    }

    /**
     * Free ports below the ephemeral range (32768 and up on Linux): a broker that is down leaves its
     * port free, and an app instance given an ephemeral port must not take it before it restarts.
     */
    private static int[] freePorts(int count) {
        java.util.Random random = new java.util.Random();
        java.util.Set<Integer> chosen = new java.util.LinkedHashSet<>();
        for (int attempt = 0; chosen.size() < count && attempt < 10_000; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!chosen.contains(port) && bindable(port)) {
                chosen.add(port);
            }
        }
        if (chosen.size() < count) {
            throw new IllegalStateException("no " + count + " free ports between 20000 and 32000 for the campaign");
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Path createWorkDir(Path parent) {
        try {
            return parent == null ? TempDirs.create("kanary-campaign-") : Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
