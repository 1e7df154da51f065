package io.kanary.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import io.kanary.executor.driver.DockerSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** kanary up: the broker, the topics and every service in one process; with --demo, the demo too. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start kanary in this process: a Kafka broker (embedded, KRaft) unless --bootstrap-server names",
                "a cluster, the topics, and the services. Without --demo it stays up until Ctrl-C."},
        footer = {"", "Examples:",
                "  kanary up --demo                                  the demo: v2 breaches and rolls back, v3 succeeds",
                "  kanary up                                         stay up; deploy with 'kanary deploy'",
                "  kanary up --bootstrap-server kafka:9092 --services planner,breach-detector"})
final class UpCommand implements Callable<Integer> {
    @Option(names = "--demo", description = "Run the demo: a fleet of demo-app v1, then a failing v2 and a healthy v3.")
    boolean demo;

    @Option(names = "--bootstrap-server", description = "Use this Kafka cluster instead of the embedded broker.")
    String bootstrapServer;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Port of the embedded broker (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int kafkaPort;

    @Option(names = "--data-dir", description = "Keep the embedded broker's data here across runs (default: a temporary directory).")
    Path dataDir;

    @Option(names = "--services", split = ",", converter = ServiceNameConverter.class,
            description = "Services to start (default: all): planner, executor, health-watcher, breach-detector.")
    List<ServiceName> services = List.of(ServiceName.values());

    @Option(names = "--hosts", split = ",", defaultValue = "host-1,host-2,host-3",
            description = "Hosts the executor serves with the process driver (default: ${DEFAULT-VALUE}).")
    List<String> hosts;

    @Option(names = "--driver", defaultValue = "process",
            description = "How the executor runs instances: process (local processes) or docker (default: ${DEFAULT-VALUE}).")
    Driver driver;

    @Option(names = "--docker-hosts", defaultValue = "${KANARY_DOCKER_HOSTS:-host-1=unix:///var/run/docker.sock}",
            description = "With --driver docker: host=endpoint pairs, e.g. host-1=unix:///var/run/docker.sock,host-2=tcp://10.0.0.2:2376 "
                    + "(env KANARY_DOCKER_HOSTS; default: ${DEFAULT-VALUE}).")
    String dockerHosts;

    @Option(names = "--busybox", defaultValue = "/usr/bin/busybox",
            description = "With --demo --driver docker: the static busybox the demo images are built from (default: ${DEFAULT-VALUE}).")
    Path busybox;

    @Option(names = "--http-port", defaultValue = "8080", description = "The planner's HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--probe-interval-ms", defaultValue = "200",
            description = "Probe interval for services whose deployment gave none (default: ${DEFAULT-VALUE}).")
    long probeIntervalMs;

    @Override
    public Integer call() throws Exception {
        long began = System.nanoTime();
        Map<String, String> endpoints = driver == Driver.DOCKER ? DockerSettings.parseHosts(dockerHosts) : Map.of();
        // The demo cleans up after itself; a kanary that stays up leaves its containers to the next executor.
        StackOptions options = new StackOptions(bootstrapServer, kafkaPort, dataDir, EnumSet.copyOf(services), hosts,
                httpPort, probeIntervalMs, driver, endpoints, demo);
        if (demo && driver == Driver.DOCKER) {
            DockerDemo.buildImages(endpoints, busybox, System.out);
        }
        KanaryStack stack = KanaryStack.start(options, System.out);
        // On Ctrl-C the JVM runs its shutdown hooks and then halts without waiting for this thread:
        // the hook itself must stop the services and the instances they started.
        if (stack.tokenFile() != null) {
            System.out.println("api token   " + stack.tokenFile() + " (mode 0600; the CLI reads "
                    + (stack.tokenFile().equals(LocalCredential.defaultFile(null)) ? "it by default)"
                    : "it with: export KANARY_TOKEN_FILE=" + stack.tokenFile() + ")"));
        }
        Thread stopOnSignal = new Thread(stack::close, "kanary-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        if (!demo) {
            System.out.printf("%nkanary is up: planner http://127.0.0.1:%d, Kafka at %s. Ctrl-C to stop.%n",
                    stack.plannerPort(), stack.bootstrapServers());
            System.out.println("try: ./kanary deploy --help   ./kanary watch   ./kanary audit --bootstrap-server "
                    + stack.bootstrapServers());
            new CountDownLatch(1).await(); // until a signal: the hook stops everything
            return 0;
        }
        try {
            DemoRun run = DemoRun.run(stack, options.executorHosts(), driver, System.out);
            System.out.printf("%ndemo finished in %.1f s: %s%n", (System.nanoTime() - began) / 1e9, run.outcome().asExpected()
                    ? "v2 rolled back by itself, v3 " + (driver == Driver.PROCESS ? "succeeded" : "rolled back")
                    : "UNEXPECTED " + run.outcome().phases() + ", expected " + run.outcome().expected());
            return run.outcome().asExpected() && run.chainsComplete() ? 0 : 1;
        } finally {
            Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            stack.close();
        }
    }

    static final class ServiceNameConverter implements picocli.CommandLine.ITypeConverter<ServiceName> {
        @Override
        public ServiceName convert(String value) {
            return ServiceName.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

}
