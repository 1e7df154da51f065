package io.kanary.cli.verbs;

import io.kanary.cli.UserError;
import io.kanary.executor.ExecutorConfig;
import io.kanary.cli.client.LocalCredential;
import io.kanary.cli.demo.DemoRun;
import io.kanary.cli.demo.DockerDemo;
import io.kanary.cli.stack.Driver;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ObservabilityOptions;
import io.kanary.cli.stack.PortCheck;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackHints;
import io.kanary.cli.stack.StackOptions;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.notifier.NotifierConfig;
import io.kanary.notifier.WebhookFormat;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** kanary up: the broker, the topics and every service in one process; with --demo, the demo too. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the broker, the topics and the services in this process.",
                "Start kanary in this process: a Kafka broker (embedded, KRaft) unless --bootstrap-server names",
                "a cluster, the topics, and the services. Without --demo it stays up until Ctrl-C."},
        footer = {"", "Examples:",
                "  kanary up --demo                                  the demo: v2 breaches and rolls back, v3 succeeds",
                "  kanary up                                         stay up; deploy with 'kanary deploy'",
                "  kanary up --bootstrap-server kafka:9092 --services planner,breach-detector",
                "  kanary up --bootstrap-server kafka:9092 --services executor --executor-id web-a --hosts web-1,web-2",
                "", "Every option also reads the environment variable it names (the flag wins)."})
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--demo", description = "Run the demo: a fleet of demo-app v1, then a failing v2 and a healthy v3.")
    boolean demo;

    @Option(names = "--bootstrap-server", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS}",
            description = "Use this Kafka cluster instead of the embedded broker (env KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServer;

    @Option(names = "--kafka-port", defaultValue = "${env:KANARY_KAFKA_PORT:-9092}",
            description = "Port of the embedded broker (env KANARY_KAFKA_PORT; default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "${env:KANARY_DATA_DIR}",
            description = "Keep the embedded broker's data, the detector's state and the instance logs here across runs "
                    + "(env KANARY_DATA_DIR; default: a temporary directory).")
    Path dataDir;

    @Option(names = "--services", split = ",", converter = ServiceNameConverter.class,
            defaultValue = "${env:KANARY_SERVICES:-planner,executor,health-watcher,breach-detector,dashboard,notifier}",
            description = "Services to start (env KANARY_SERVICES; default: all): planner, executor, health-watcher, "
                    + "breach-detector, dashboard, notifier. Any subset runs on its own against --bootstrap-server.")
    List<ServiceName> services;

    @Option(names = "--hosts", split = ",", defaultValue = "${env:KANARY_EXECUTOR_HOSTS:-host-1,host-2,host-3}",
            description = "Hosts the executor serves with the process driver (env KANARY_EXECUTOR_HOSTS; default: ${DEFAULT-VALUE}).")
    List<String> hosts;

    @Option(names = "--executor-id", defaultValue = "${env:KANARY_EXECUTOR_ID:-executor-1}",
            description = "The executor's id; give each executor process its own (env KANARY_EXECUTOR_ID; default: ${DEFAULT-VALUE}).")
    String executorId;

    @Option(names = "--host-labels", defaultValue = "${env:KANARY_HOST_LABELS}", paramLabel = "LABEL=VALUE,...",
            description = "What the executor says of every host it serves, e.g. env=staging,zone=a; a request's "
                    + "hostSelector picks hosts by them (env KANARY_HOST_LABELS; default: none).")
    String hostLabels;

    @Option(names = "--driver", defaultValue = "${env:KANARY_EXECUTOR_DRIVER:-process}",
            description = "How the executor runs instances: process (local processes) or docker "
                    + "(env KANARY_EXECUTOR_DRIVER; default: ${DEFAULT-VALUE}).")
    Driver driver;

    @Option(names = "--docker-hosts", defaultValue = "${KANARY_DOCKER_HOSTS:-host-1=unix:///var/run/docker.sock}",
            description = "With --driver docker: host=endpoint pairs, e.g. host-1=unix:///var/run/docker.sock,host-2=tcp://10.0.0.2:2376 "
                    + "(env KANARY_DOCKER_HOSTS; default: ${DEFAULT-VALUE}).")
    String dockerHosts;

    @Option(names = "--log-dir", defaultValue = "${env:KANARY_EXECUTOR_LOG_DIR}",
            description = "Where the process driver writes each instance's output (env KANARY_EXECUTOR_LOG_DIR; "
                    + "default: <data-dir>/instances, or <tmp>/kanary/instances).")
    Path logDir;

    @Option(names = "--busybox", defaultValue = "/usr/bin/busybox",
            description = "With --demo --driver docker: the static busybox the demo images are built from (default: ${DEFAULT-VALUE}).")
    Path busybox;

    @Option(names = "--http-host", defaultValue = "${env:PLANNER_HTTP_HOST:-127.0.0.1}",
            description = "The address the planner's HTTP API binds (env PLANNER_HTTP_HOST; default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "${env:PLANNER_HTTP_PORT:-8080}",
            description = "The planner's HTTP port (env PLANNER_HTTP_PORT; default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int httpPort;

    @Option(names = "--probe-interval-ms", defaultValue = "${env:HEALTH_PROBE_INTERVAL_MS:-200}",
            description = "Probe interval for services whose deployment gave none (env HEALTH_PROBE_INTERVAL_MS; default: ${DEFAULT-VALUE}).")
    long probeIntervalMs;

    @Option(names = "--probe-timeout-ms", defaultValue = "${env:HEALTH_PROBE_TIMEOUT_MS:-1000}",
            description = "How long a probe waits for an answer (env HEALTH_PROBE_TIMEOUT_MS; default: ${DEFAULT-VALUE}).")
    long probeTimeoutMs;

    @Option(names = "--state-dir", defaultValue = "${env:BREACH_DETECTOR_STATE_DIR}",
            description = "The breach-detector's state stores (env BREACH_DETECTOR_STATE_DIR; default: <data-dir>/streams, "
                    + "or a temporary directory).")
    Path stateDir;

    @Option(names = "--instance-id", defaultValue = "${env:KANARY_INSTANCE_ID}",
            description = "This process's name among the planners and breach-detectors of the cluster, for their static "
                    + "group membership: a restart takes its partitions back at once (env KANARY_INSTANCE_ID; default: the host name).")
    String instanceId;

    @Option(names = "--partitions", defaultValue = "${env:KANARY_TOPIC_PARTITIONS:-6}",
            description = "Partitions of health.probes, traffic.samples and deploy.events where they are created (the embedded broker's, or "
                    + "missing on --bootstrap-server): as many breach-detector processes can share the probes; every "
                    + "other topic gets 1 (env KANARY_TOPIC_PARTITIONS; default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "${env:KANARY_TOPIC_REPLICATION_FACTOR:-0}",
            description = "Replication factor of each kanary topic created where missing on --bootstrap-server "
                    + "(env KANARY_TOPIC_REPLICATION_FACTOR; default: 0, the number of brokers up to 3).")
    int replicationFactor;

    @Option(names = "--metrics-port", defaultValue = "${env:KANARY_METRICS_PORT:--1}", paramLabel = "PORT",
            description = "Where /metrics answers for every service of this process (env KANARY_METRICS_PORT; default: "
                    + "the planner's --http-port when the planner runs here, else a free port; 0: a free port).")
    int metricsPort;

    @Option(names = "--dashboard-port", defaultValue = "${env:KANARY_DASHBOARD_PORT:-8081}", paramLabel = "PORT",
            description = "The live web dashboard's port (env KANARY_DASHBOARD_PORT; default: ${DEFAULT-VALUE}; 0: a free port).")
    int dashboardPort;

    @Option(names = "--alertmanager-url", defaultValue = "${env:KANARY_ALERTMANAGER_URL}", paramLabel = "URL",
            description = "The Alertmanager the notifier sends breaches to, e.g. http://127.0.0.1:9093 "
                    + "(env KANARY_ALERTMANAGER_URL; default: none).")
    String alertmanagerUrl;

    @Option(names = "--webhook-url", split = ",", defaultValue = "${env:KANARY_WEBHOOK_URLS}", paramLabel = "URL",
            description = "Where the notifier posts each breach and deployment event, as a CloudEvent over HTTP; "
                    + "repeat or separate with commas (env KANARY_WEBHOOK_URLS; default: none).")
    List<String> webhookUrls;

    @Option(names = "--webhook-format", defaultValue = "${env:KANARY_WEBHOOK_FORMAT:-cloudevents}", paramLabel = "FORMAT",
            description = "cloudevents (binary mode, the event as the body) or slack (a {\"text\": ...} message) "
                    + "(env KANARY_WEBHOOK_FORMAT; default: ${DEFAULT-VALUE}).")
    String webhookFormat;

    @Override
    public Integer call() throws Exception {
        long began = System.nanoTime();
        Map<String, String> endpoints = driver == Driver.DOCKER ? DockerSettings.parseHosts(dockerHosts) : Map.of();
        // The demo cleans up after itself; a kanary that stays up leaves its containers to the next executor.
        if (services.isEmpty()) {
            throw new UserError("--services names no service; name at least one of " + ServiceName.list());
        }
        if (demo && !EnumSet.copyOf(services).equals(EnumSet.allOf(ServiceName.class))) {
            throw new UserError("--demo runs every service in this process: drop --services");
        }
        Map<String, String> labels;
        try {
            labels = ExecutorConfig.parseLabels(hostLabels);
        } catch (IllegalArgumentException e) {
            throw new UserError("--host-labels" + e.getMessage().substring("KANARY_HOST_LABELS".length()), 2);
        }
        checkNotifications();
        if (partitions < 1 || replicationFactor < 0) {
            throw new UserError("--partitions must be at least 1 and --replication-factor at least 0 (0: as many as "
                    + "there are brokers, up to 3)");
        }
        if (blankToNull(bootstrapServer) == null) {
            PortCheck.free("localhost", kafkaPort, "--kafka-port, env KANARY_KAFKA_PORT");
        }
        if (services.contains(ServiceName.PLANNER)) {
            PortCheck.free(httpHost, httpPort, "--http-port, env PLANNER_HTTP_PORT");
        }
        checkMetricsPort();
        if (services.contains(ServiceName.DASHBOARD)) {
            PortCheck.free(httpHost, dashboardPort, "--dashboard-port, env KANARY_DASHBOARD_PORT");
        }
        StackOptions options = new StackOptions(blankToNull(bootstrapServer), kafkaPort, dataDir,
                EnumSet.copyOf(services), hosts, httpPort, probeIntervalMs, driver, endpoints, demo, executorId, httpHost,
                probeTimeoutMs, stateDir, logDir, partitions, replicationFactor,
                instanceId == null || instanceId.isBlank() ? StackOptions.defaultInstanceId() : instanceId.trim(), labels,
                new ObservabilityOptions(metricsPort, dashboardPort, alertmanagerUrl, webhookUrls, webhookFormat));
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
            System.out.printf("%nkanary is up: %s; Kafka at %s. Ctrl-C to stop.%n", running(options, stack),
                    stack.bootstrapServers());
            StackHints hints = new StackHints(stack.hasPlanner() ? StackHints.plannerUrl(options.httpHost(), stack.plannerPort())
                    : null, stack.bootstrapServers());
            hints.lines(System.getenv("KANARY_PLANNER"), System.getenv("KAFKA_BOOTSTRAP_SERVERS")).forEach(System.out::println);
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

    /** A fixed --metrics-port must be free, and not the planner's own port (which serves /metrics at -1). */
    private void checkMetricsPort() {
        if (metricsPort < ObservabilityOptions.METRICS_ON_PLANNER_PORT || metricsPort > 65_535) {
            throw new UserError("--metrics-port must be -1 (the planner's port, or a free one), 0 (a free one) or a "
                    + "port up to 65535, was " + metricsPort, 2);
        }
        if (metricsPort > 0 && services.contains(ServiceName.PLANNER) && metricsPort == httpPort) {
            throw new UserError("--metrics-port " + metricsPort + " is the planner's --http-port: leave --metrics-port "
                    + "out to serve /metrics there, or give another port", 2);
        }
        if (metricsPort > 0) {
            PortCheck.free(httpHost, metricsPort, "--metrics-port, env KANARY_METRICS_PORT");
        }
    }

    /** One phrase per started service, e.g. "planner http://127.0.0.1:8080, executor executor-1 (host-1, host-2)". */
    private static String running(StackOptions options, KanaryStack stack) {
        List<String> parts = new java.util.ArrayList<>();
        for (ServiceName service : options.services()) {
            parts.add(switch (service) {
                case PLANNER -> "planner " + StackHints.plannerUrl(options.httpHost(), stack.plannerPort());
                case EXECUTOR -> "executor " + options.executorId() + " (" + String.join(", ", options.executorHosts()) + ")";
                case HEALTH_WATCHER -> "health-watcher";
                case BREACH_DETECTOR -> "breach-detector";
                case DASHBOARD -> "dashboard " + stack.dashboardUrl();
                case NOTIFIER -> "notifier";
            });
        }
        return String.join(", ", parts);
    }

    /** Refuses a bad --alertmanager-url, --webhook-url or --webhook-format before anything starts. */
    private void checkNotifications() {
        try {
            if (blankToNull(alertmanagerUrl) != null) {
                NotifierConfig.parseUrl(alertmanagerUrl, "--alertmanager-url");
            }
            if (webhookUrls != null) {
                webhookUrls.stream().filter(u -> !u.isBlank()).forEach(u -> NotifierConfig.parseUrl(u, "--webhook-url"));
            }
            WebhookFormat.parse(webhookFormat, "--webhook-format");
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public static final class ServiceNameConverter implements picocli.CommandLine.ITypeConverter<ServiceName> {
        @Override
        public ServiceName convert(String value) {
            return ServiceName.parse(value);
        }
    }

}
