package io.kanary.bench.planner;

import io.kanary.bench.BenchArgs;
import io.kanary.bench.Summary;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.checks.HealthStreaks;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.LiveView;
import io.kanary.planner.http.PlannerView;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.planner.state.Planner;
import io.kanary.schema.HostEvent;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.ProbeResult;
import io.kanary.security.RunAllowList;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The planner at scale, on the embedded broker: a history of {@code --deployments} deployments and
 * {@code --history} events (the rest heartbeats), then side by side, in one run:
 * <ul>
 *   <li>the planner loop's CPU while probes arrive at {@code --probes-per-second}: the planner reads only
 *       instance.health, derived from the probes as the health-watcher derives it (the figure before this
 *       change, when it read every probe, is from the measurement on main: 0.87 cores at 2,000 probes/s);</li>
 *   <li>the view after a change: rebuilt from all deployments (as before) and updated by the change;</li>
 *   <li>{@code GET /v1/deployments}: one page of 50, of 500, and every page walked;</li>
 *   <li>start-up (replay and API up): replaying host.events from 0 against from the snapshots' offsets.</li>
 * </ul>
 * Times are wall time on a shared machine: read the ratios, not the absolute figures.
 */
public final class PlannerScaleBench {
    private static final String TOKEN = "bench-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Everything measured. */
    record Report(PlannerScaleOptions options, int deploymentEvents, int hostEvents, Summary fullView,
                  Summary updatedView, Summary page50, long page50Bytes, Summary page500, long page500Bytes,
                  Summary walkAll, long walkAllBytes, int pages, int listed, Summary startFromZero,
                  Summary startFromSnapshots, double loopCores, long probesSent, long summariesSent) {
    }

    private PlannerScaleBench() {
    }

    public static void main(String[] args) {
        PlannerScaleOptions options = BenchArgs.parseOrExit(new PlannerScaleOptions.Flags(), args,
                PlannerScaleOptions.Flags::options);
        System.out.print(render(run(options)));
        System.exit(0);
    }

    static Report run(PlannerScaleOptions o) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        try {
            Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
            TopicSetup.createTopics(kafka, 1, (short) 1);
            PlannerHistory.Seeded seeded = PlannerHistory.write(kafka, o.deployments(), o.history());
            PlannerConfig config = config(kafka);
            commitAsConsumed(kafka, config.groupId());
            Summary[] views = viewUpdates(seeded.planner());

            List<Double> fromZero = new ArrayList<>();
            List<Double> fromSnapshots = new ArrayList<>();
            // The first start has no snapshots yet: it replays from 0 and writes the first round.
            PlannerService first = timedStart(config, fromZero);
            nudge(kafka);
            awaitSnapshots(kafka);
            first.close();
            for (int i = 0; i < 2; i++) {
                timedStart(config, fromSnapshots).close();
                timedStart(config.withSnapshots(Topics.PLANNER_SNAPSHOTS, Duration.ZERO), fromZero).close();
            }
            try (PlannerService planner = timedStart(config, fromSnapshots)) {
                String base = "http://127.0.0.1:" + planner.httpPort();
                long[] bytes50 = {0};
                long[] bytes500 = {0};
                Summary page50 = time(o.pageRequests(), () -> bytes50[0] = get(base + "/v1/deployments").length());
                Summary page500 = time(o.pageRequests(), () -> bytes500[0] = get(base + "/v1/deployments?limit=500").length());
                long[] walk = {0, 0, 0};
                Summary walkAll = time(3, () -> {
                    walk[0] = 0;
                    walk[1] = 0;
                    walk[2] = 0;
                    String next = "/v1/deployments?limit=500";
                    while (next != null) {
                        String body = get(base + next);
                        walk[0] += body.length();
                        walk[1]++;
                        walk[2] += countIds(body);
                        next = nextOf(body);
                    }
                    return walk[0];
                });
                long[] sent = new long[2];
                double cores = loopCoresUnderProbes(kafka, o, sent);
                return new Report(o, seeded.deploymentEvents(), seeded.hostEvents(), views[0], views[1], page50,
                        bytes50[0], page500, bytes500[0], walkAll, walk[0], (int) walk[1], (int) walk[2],
                        Summary.of(fromZero), Summary.of(fromSnapshots), cores, sent[0], sent[1]);
            }
        } finally {
            broker.close();
        }
    }

    private static PlannerConfig config(Map<String, Object> kafka) {
        return PlannerConfig.defaults(kafka).withHttpPort(0).withAllowList(RunAllowList.ANYTHING)
                .withAuth(ApiAuth.single(new Principal("bench", Role.OPERATOR), TOKEN))
                .withSnapshots(Topics.PLANNER_SNAPSHOTS, Duration.ofSeconds(1));
    }

    private static PlannerService timedStart(PlannerConfig config, List<Double> into) {
        long began = System.nanoTime();
        PlannerService planner = PlannerService.start(config);
        into.add((System.nanoTime() - began) / 1e6);
        return planner;
    }

    /** The view of all deployments rebuilt (as before) and updated by one change, on the state the history wrote. */
    private static Summary[] viewUpdates(Planner planner) {
        LiveView live = new LiveView();
        live.accept(planner);
        List<Double> full = new ArrayList<>();
        List<Double> updated = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long began = System.nanoTime();
            PlannerView.of(planner);
            full.add((System.nanoTime() - began) / 1e6);
            String host = PlannerHistory.HOSTS.get(i % PlannerHistory.HOSTS.size());
            planner.onHostEvent(new HostEvent.Heartbeat(PlannerHistory.id(), 1, host, "executor-1", 2_000, Instant.now()),
                    Instant.now());
            began = System.nanoTime();
            live.accept(planner);
            updated.add((System.nanoTime() - began) / 1e6);
        }
        return new Summary[] {Summary.of(full), Summary.of(updated)};
    }

    /**
     * Offers probes at the rate asked for the seconds asked, as the health-watcher would: each probe to
     * health.probes and, when its instance's summary is due, instance.health. Returns the planner loop
     * thread's CPU over that time, in cores.
     */
    private static double loopCoresUnderProbes(Map<String, Object> kafka, PlannerScaleOptions o, long[] sent) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long loopThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("kanary-planner-loop")).findFirst().orElseThrow().getId();
        HealthStreaks streaks = new HealthStreaks();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long cpuBefore = threads.getThreadCpuTime(loopThread);
            long began = System.nanoTime();
            long end = began + o.probeSeconds() * 1_000_000_000L;
            long due = 0;
            while (System.nanoTime() < end) {
                long shouldHaveSent = (System.nanoTime() - began) * o.probesPerSecond() / 1_000_000_000L;
                for (; due < shouldHaveSent; due++) {
                    // One instance per host and service, as the watcher knows them: 50 services on each host in turn.
                    int instance = (int) (due % o.instances());
                    String service = "svc-" + (instance % 50);
                    String host = PlannerHistory.HOSTS.get((instance / 50) % PlannerHistory.HOSTS.size());
                    ProbeResult probe = new ProbeResult(PlannerHistory.id(), 1, service, "v9", host,
                            host + "/" + service + "/i" + instance, true, 200, 3, Instant.now(), null);
                    PlannerHistory.send(producer, Topics.HEALTH_PROBES, service, probe);
                    sent[0]++;
                    InstanceHealth summary = streaks.next(probe).orElse(null);
                    if (summary != null) {
                        PlannerHistory.send(producer, Topics.INSTANCE_HEALTH, service, summary);
                        sent[1]++;
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            producer.flush();
            long wall = System.nanoTime() - began;
            return (threads.getThreadCpuTime(loopThread) - cpuBefore) / (double) wall;
        }
    }

    /** Commits the planner group's offsets at the end of its inputs: the history was consumed before, as in a running installation. */
    private static void commitAsConsumed(Map<String, Object> kafka, String groupId) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()); Admin admin = Admin.create(kafka)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var topic : List.of(Topics.DEPLOY_REQUESTS, Topics.HOST_EVENTS, Topics.INSTANCE_HEALTH,
                    Topics.ROLLBACK_COMMANDS, Topics.DEPLOY_CONTROLS, Topics.JUDGEMENTS)) {
                for (PartitionInfo info : consumer.partitionsFor(topic.name())) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
            }
            consumer.endOffsets(partitions).forEach((p, end) -> offsets.put(p, new OffsetAndMetadata(end)));
            admin.alterConsumerGroupOffsets(groupId, offsets).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not commit the planner's offsets: " + e.getMessage(), e);
        }
    }

    /** One heartbeat, so the planner has an input to commit and writes its first round of snapshots. */
    private static void nudge(Map<String, Object> kafka) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            String host = PlannerHistory.HOSTS.get(0);
            PlannerHistory.send(producer, Topics.HOST_EVENTS, host,
                    new HostEvent.Heartbeat(PlannerHistory.id(), 1, host, "executor-1", 2_000, Instant.now()));
        }
    }

    private static void awaitSnapshots(Map<String, Object> kafka) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            AtomicLong records = new AtomicLong();
            TopicReplay.readToEnd(kafka, List.of(Topics.PLANNER_SNAPSHOTS), Duration.ofSeconds(30),
                    r -> records.incrementAndGet());
            if (records.get() > 0) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
        }
        throw new IllegalStateException("The planner wrote no snapshot within 120 s");
    }

    private static Summary time(int runs, Supplier<Long> call) {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long began = System.nanoTime();
            call.get();
            millis.add((System.nanoTime() - began) / 1e6);
        }
        return Summary.of(millis);
    }

    private static String get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("GET " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String nextOf(String body) {
        try {
            var node = io.kanary.kafka.Json.mapper().readTree(body).path("next");
            return node.isMissingNode() || node.isNull() ? null : node.asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON: " + e.getMessage(), e);
        }
    }

    private static int countIds(String body) {
        try {
            return io.kanary.kafka.Json.mapper().readTree(body).path("deployments").size();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("not JSON: " + e.getMessage(), e);
        }
    }

    static String render(Report r) {
        StringBuilder out = new StringBuilder();
        PlannerScaleOptions o = r.options();
        out.append(String.format(Locale.ROOT, "planner at scale: %d deployments recorded, history %d events (%d on "
                + "deploy.events, %d on host.events)%n%n", o.deployments(), r.deploymentEvents() + r.hostEvents(),
                r.deploymentEvents(), r.hostEvents()));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12s%n", "", "before", "after"));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12s%n", "planner CPU at " + o.probesPerSecond()
                + " probes/s (cores)", "0.87 *", String.format(Locale.ROOT, "%.3f", r.loopCores())));
        out.append(String.format(Locale.ROOT, "%-52s %12d %12d%n", "  records the planner reads for them",
                r.probesSent(), r.summariesSent()));
        out.append(String.format(Locale.ROOT, "%-52s %12.2f %12.3f%n", "view after a change, median (ms)",
                r.fullView().median(), r.updatedView().median()));
        out.append(String.format(Locale.ROOT, "%-52s %12.2f %12.3f%n", "view after a change, max (ms)",
                r.fullView().max(), r.updatedView().max()));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12.1f%n", "GET /v1/deployments, median (ms)", "2300 max *",
                r.page50().median()));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12d%n", "GET /v1/deployments, bytes", "7.3 MB *",
                r.page50Bytes()));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12.1f%n", "GET ?limit=500, median (ms)", "-", r.page500().median()));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12d%n", "GET ?limit=500, bytes", "-", r.page500Bytes()));
        out.append(String.format(Locale.ROOT, "%-52s %12s %12.1f%n", "every page walked (" + r.pages() + " pages, "
                + r.listed() + " deployments), median (ms)", "-", r.walkAll().median()));
        out.append(String.format(Locale.ROOT, "%-52s %12.0f %12.0f%n", "start-up, replay from 0 | from snapshots, median (ms)",
                r.startFromZero().median(), r.startFromSnapshots().median()));
        out.append(String.format(Locale.ROOT, "%-52s %12.0f %12.0f%n", "start-up, max (ms)", r.startFromZero().max(),
                r.startFromSnapshots().max()));
        out.append(String.format(Locale.ROOT, "%nstart-up ratio from 0 / from snapshots: %.1fx; view ratio full / updated: %.0fx%n",
                r.startFromZero().median() / r.startFromSnapshots().median(),
                r.fullView().median() / Math.max(1e-6, r.updatedView().median())));
        out.append("* before: measured on main before these changes (planner read every probe, rebuilt its view of all\n"
                + "  deployments after every transaction, listed every deployment at once); not re-run here.\n"
                + "CPU: the planner loop thread only (the broker and the probe generator share this process).\n");
        return out.toString();
    }
}
