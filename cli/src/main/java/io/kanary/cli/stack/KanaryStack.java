package io.kanary.cli.stack;

import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.cli.UserError;
import io.kanary.cli.client.LocalCredential;
import io.kanary.cli.client.PlannerClient;
import io.kanary.cli.demo.EmbeddedAllowList;
import io.kanary.dashboard.DashboardConfig;
import io.kanary.dashboard.DashboardService;
import io.kanary.detector.BreachDetector;
import io.kanary.detector.DetectorConfig;
import io.kanary.executor.ExecutorConfig;
import io.kanary.executor.HostExecutor;
import io.kanary.executor.driver.DockerDriver;
import io.kanary.executor.driver.DockerSettings;
import io.kanary.executor.driver.ProcessDriver;
import io.kanary.health.HealthWatcher;
import io.kanary.health.HealthWatcherConfig;
import io.kanary.kafka.KafkaSettings;
import io.kanary.metrics.MetricsServer;
import io.kanary.metrics.ProcessMetrics;
import io.kanary.notifier.Notifier;
import io.kanary.notifier.NotifierConfig;
import io.kanary.notifier.SafeUrl;
import io.kanary.notifier.WebhookFormat;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.security.RunAllowList;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Everything {@code kanary up} runs, in one process: a broker (embedded unless a cluster is
 * named), the topics, and the chosen services, each started through its own public {@code start}
 * as it would be in its own process. Closing stops them in reverse order.
 *
 * <p>The services share one {@link ProcessMetrics} registry, served once on {@code /metrics}: on the
 * planner's HTTP port when the planner runs here and no other metrics port was asked for, else on a
 * {@link MetricsServer} of its own.
 */
public final class KanaryStack implements AutoCloseable {
    private static final Duration EXECUTOR_START_DEADLINE = Duration.ofSeconds(30);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, Object> kafka;
    private final RunAllowList allowList;
    private final ProcessMetrics metrics;
    private PlannerService planner;
    private DashboardService dashboard;
    private String dashboardUrl;
    private LocalCredential credential;
    private String metricsUrl;

    private KanaryStack(Map<String, Object> kafka, RunAllowList allowList, ProcessMetrics metrics) {
        this.kafka = kafka;
        this.allowList = allowList;
        this.metrics = metrics;
    }

    public static KanaryStack start(StackOptions options, PrintStream out) throws Exception {
        return start(options, out, EmbeddedAllowList.of(System.getenv()));
    }

    /** The stack, with {@code allowList} saying what the planner and the executor let each service run. */
    public static KanaryStack start(StackOptions options, PrintStream out, RunAllowList allowList) throws Exception {
        EmbeddedKafkaBroker broker = null;
        String bootstrap = options.bootstrapServers();
        if (bootstrap == null) {
            long began = System.nanoTime();
            broker = options.dataDir() == null
                    ? EmbeddedKafkaBroker.start(Files.createTempDirectory("kanary-kafka-"), options.kafkaPort(), true)
                    : EmbeddedKafkaBroker.start(options.dataDir().resolve("kafka"), options.kafkaPort(), false);
            bootstrap = broker.bootstrapServers();
            out.printf("kafka       embedded KRaft broker on %s (%d ms)%n", bootstrap, (System.nanoTime() - began) / 1_000_000);
        }
        Map<String, Object> kafka = KafkaSettings.fromEnv(System.getenv());
        kafka.put("bootstrap.servers", bootstrap);
        KanaryStack stack = new KanaryStack(kafka, allowList, ProcessMetrics.start());
        if (broker != null) {
            stack.started.push(broker);
        }
        // Closed after every service, so none of them meets a closed registry on its way out.
        stack.started.push(stack.metrics);
        try {
            if (broker != null) {
                TopicSetup.createTopics(kafka, new io.kanary.kafka.TopicPartitions(options.partitions()), (short) 1);
            } else {
                short replication = ClusterTopics.ensure(kafka, options.partitions(), options.replicationFactor());
                out.printf("%-11s present on %s (missing ones created with %d partition(s) for health.probes, "
                        + "traffic.samples and deploy.events, 1 for the others, replication %d)%n", "topics",
                        bootstrap, options.partitions(), replication);
            }
            stack.startServices(options, out);
            stack.serveMetrics(options, out);
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void startServices(StackOptions options, PrintStream out) {
        if (options.services().contains(ServiceName.BREACH_DETECTOR)) {
            // Streams state belongs to its broker: beside the broker's data, or fresh with a fresh broker.
            Path stateDir = options.stateDir() != null ? options.stateDir()
                    : options.dataDir() == null ? tempDir("kanary-streams-") : options.dataDir().resolve("streams");
            timed(out, "detector", "Kafka Streams job RUNNING (exactly_once_v2)",
                    () -> BreachDetector.start(DetectorConfig.defaults(staticMember("kanary-breach-detector-" + options.instanceId()))
                            .withStateDir(stateDir).withMeterRegistry(metrics.registry())));
        }
        if (options.services().contains(ServiceName.HEALTH_WATCHER)) {
            timed(out, "watcher", "probing instances from host.events",
                    () -> HealthWatcher.start(new HealthWatcherConfig(kafka, options.probeIntervalMs(),
                            Duration.ofMillis(options.probeTimeoutMs()), HealthWatcherConfig.DEFAULT_GROUP_ID)
                            .withMeterRegistry(metrics.registry())));
        }
        if (options.services().contains(ServiceName.PLANNER)) {
            PlannerConfig config = PlannerConfig.defaults(staticMember("kanary-planner-" + options.instanceId()))
                    .withHttpPort(options.httpPort())
                    .withHttpHost(options.httpHost())
                    .withAuth(ApiAuth.single(LocalCredential.principal(), credential(options).token()))
                    .withAllowList(allowList)
                    .withRequireEvidence(requiresEvidence(options))
                    .withMeterRegistry(metricsOnPlannerPort(options) ? metrics.registry()
                            // Not the Prometheus registry itself: the planner serves /metrics only for that one,
                            // and /metrics is served once, on the port asked for.
                            : new CompositeMeterRegistry(io.micrometer.core.instrument.Clock.SYSTEM,
                                    java.util.List.of(metrics.registry())));
            // The port the API really listens on: with --http-port 0 it is chosen at start.
            planner = timed(out, "planner", p -> "state rebuilt from deploy.events; HTTP API on "
                    + StackHints.plannerUrl(options.httpHost(), p.httpPort()), () -> PlannerService.start(config));
        }
        if (options.services().contains(ServiceName.NOTIFIER)) {
            startNotifier(options.observability(), out);
        }
        if (options.services().contains(ServiceName.EXECUTOR)) {
            timed(out, "executor", options.executorId() + ", " + options.driver().name().toLowerCase(java.util.Locale.ROOT)
                    + " driver serving "
                    + String.join(", ", options.executorHosts()),
                    () -> HostExecutor.start(executorConfig(options).withMeterRegistry(metrics.registry())));
        }
        if (options.services().contains(ServiceName.DASHBOARD)) {
            startDashboard(options, out);
        }
    }

    /** The live web dashboard, its buttons sent to this process's planner, or to KANARY_PLANNER's. */
    private void startDashboard(StackOptions options, PrintStream out) {
        String plannerUrl = planner != null ? StackHints.plannerUrl(options.httpHost(), planner.httpPort())
                : System.getenv("KANARY_PLANNER");
        DashboardConfig config = DashboardConfig.defaults(kafka).withHttpHost(options.httpHost())
                .withHttpPort(options.observability().dashboardPort()).withPlannerUrl(plannerUrl)
                .withMeterRegistry(metrics.registry());
        dashboard = DashboardService.start(config);
        started.push(dashboard);
        dashboardUrl = StackHints.plannerUrl(options.httpHost(), dashboard.port()) + "/";
        out.printf("%-11s %s%n", "dashboard", dashboardUrl);
    }

    /**
     * Whether the planner waits for the breach-detector's judgement of each batch: KANARY_REQUIRE_EVIDENCE
     * when set, else whether the detector runs in this process (a planner alone would otherwise wait out
     * every batch's evidence deadline for a judge that is not there).
     */
    private static boolean requiresEvidence(StackOptions options) {
        String set = System.getenv("KANARY_REQUIRE_EVIDENCE");
        return set == null || set.isBlank() ? options.services().contains(ServiceName.BREACH_DETECTOR)
                : io.kanary.settings.Env.of(System.getenv()).flag("KANARY_REQUIRE_EVIDENCE", true);
    }

    /** Whether {@code /metrics} is the planner's: it runs here and {@code --metrics-port} was left at -1. */
    private static boolean metricsOnPlannerPort(StackOptions options) {
        return options.services().contains(ServiceName.PLANNER)
                && options.observability().metricsPort() == ObservabilityOptions.METRICS_ON_PLANNER_PORT;
    }

    /** Serves {@code /metrics} where the options say, and prints where. */
    private void serveMetrics(StackOptions options, PrintStream out) {
        int port;
        if (metricsOnPlannerPort(options)) {
            port = planner.httpPort();
        } else {
            int asked = options.observability().metricsPort();
            MetricsServer server = MetricsServer.start(metrics.registry(), options.httpHost(),
                    asked == ObservabilityOptions.METRICS_ON_PLANNER_PORT ? 0 : asked);
            started.push(server);
            port = server.port();
        }
        metricsUrl = StackHints.plannerUrl(options.httpHost(), port) + "/metrics";
        out.printf("%-11s %s%n", "metrics", metricsUrl);
    }

    /** Where Prometheus scrapes every service of this stack, e.g. {@code http://127.0.0.1:8080/metrics}. */
    public String metricsUrl() {
        return metricsUrl;
    }

    /** The one registry every service of this stack registers its meters in (the one {@code /metrics} serves). */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** Breaches to Alertmanager, every event to the webhooks; idle, and saying so, without either. */
    private void startNotifier(ObservabilityOptions o, PrintStream out) {
        java.util.List<String> hooks = o.webhookUrls().stream().filter(u -> u != null && !u.isBlank()).map(String::trim)
                .toList();
        NotifierConfig config = NotifierConfig.defaults(kafka)
                .withAlertmanager(o.alertmanagerUrl() == null ? null
                        : NotifierConfig.parseUrl(o.alertmanagerUrl(), "--alertmanager-url"))
                .withWebhooks(hooks.stream().map(u -> NotifierConfig.parseUrl(u, "--webhook-url")).toList(),
                        WebhookFormat.parse(o.webhookFormat(), "--webhook-format"))
                .withMeterRegistry(metrics.registry());
        String what = !config.hasTargets() ? "idle (no --alertmanager-url or --webhook-url)"
                : (config.alertmanagerUrl() == null ? "" : "alerts to " + SafeUrl.of(config.alertmanagerUrl()))
                + (config.alertmanagerUrl() != null && !hooks.isEmpty() ? "; " : "")
                + (hooks.isEmpty() ? "" : "webhooks to " + hooks.size() + " URL(s)");
        timed(out, "notifier", what, () -> Notifier.start(config));
    }

    private ExecutorConfig executorConfig(StackOptions options) {
        Path logs = options.logDir() != null ? options.logDir()
                : (options.dataDir() == null ? Path.of(System.getProperty("java.io.tmpdir"), "kanary")
                : options.dataDir()).resolve("instances");
        if (options.driver() == Driver.DOCKER) {
            DockerSettings d = DockerSettings.of(options.dockerHosts());
            DockerSettings settings = new DockerSettings(d.endpoints(), d.tlsCertPath(), d.tlsVerify(), d.pullPolicy(),
                    d.keepRevisions(), d.callTimeout(), options.stopOnClose());
            return new ExecutorConfig(staticMember("kanary-executor-" + options.executorId()), options.executorId(),
                    options.executorHosts(), DockerDriver.KIND,
                    logs, EXECUTOR_START_DEADLINE, settings).withAllowList(allowList).withHostLabels(options.hostLabels());
        }
        return new ExecutorConfig(staticMember("kanary-executor-" + options.executorId()), options.executorId(),
                options.hosts(), ProcessDriver.KIND, logs,
                EXECUTOR_START_DEADLINE).withAllowList(allowList).withHostLabels(options.hostLabels());
    }

    /**
     * The Kafka settings of one service, as a static member of its consumer group: restarted after a
     * crash, it takes its partitions back at once instead of waiting for the dead member's session
     * to time out (45 s). A {@code KAFKA_GROUP_INSTANCE_ID} of the user's own wins.
     */
    private Map<String, Object> staticMember(String instanceId) {
        Map<String, Object> props = new java.util.HashMap<>(kafka);
        props.putIfAbsent("group.instance.id", instanceId);
        return props;
    }

    private <T extends AutoCloseable> T timed(PrintStream out, String name, String what, java.util.function.Supplier<T> start) {
        return timed(out, name, service -> what, start);
    }

    private <T extends AutoCloseable> T timed(PrintStream out, String name, java.util.function.Function<T, String> what,
                                              java.util.function.Supplier<T> start) {
        long began = System.nanoTime();
        T service = start.get();
        started.push(service);
        out.printf("%-11s %s (%d ms)%n", name, what.apply(service), (System.nanoTime() - began) / 1_000_000);
        return service;
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    /** The embedded default's API credential (created on first use): see {@link LocalCredential}. */
    public LocalCredential credential(StackOptions options) {
        if (credential == null) {
            credential = LocalCredential.createOrRead(LocalCredential.defaultFile(options.dataDir()));
        }
        return credential;
    }

    /** A client of this stack's planner with the embedded default's credential. */
    public PlannerClient plannerClient() {
        return new PlannerClient("http://127.0.0.1:" + plannerPort(), credential == null ? null : credential.token());
    }

    /** The embedded default's token file, or null when the planner does not run here. */
    public java.nio.file.Path tokenFile() {
        return credential == null ? null : credential.file();
    }

    public Map<String, Object> kafka() {
        return kafka;
    }

    public String bootstrapServers() {
        return (String) kafka.get("bootstrap.servers");
    }

    /** The dashboard's page, e.g. {@code http://127.0.0.1:8081/}, or null when it does not run here. */
    public String dashboardUrl() {
        return dashboardUrl;
    }

    /** Whether the planner runs in this process. */
    public boolean hasPlanner() {
        return planner != null;
    }

    /** The planner's HTTP port; the planner must be one of the started services. */
    public int plannerPort() {
        if (planner == null) {
            throw new UserError("the planner is not running in this process (see --services)");
        }
        return planner.httpPort();
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("warning: a service did not stop cleanly: " + e.getMessage());
            }
        }
    }
}
