package io.kanary.cli.demo;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.audit.Summaries;
import io.kanary.cli.rollout.EvidenceLine;
import io.kanary.cli.rollout.EvidenceThrottle;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import io.kanary.schema.TrafficSample;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The live view of {@code kanary up --demo} and {@code kanary watch}: every deployment, host,
 * breach and rollback event as it lands on Kafka; while a batch waits for evidence,
 * how far it has got toward healthy and toward breach (a line every few seconds, not every
 * record); and once a second, while a deployment is active, each host's version and the new
 * version's error rate and p99 against the baseline's.
 */
public final class LiveConsole implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final List<Topic<String, ? extends KanaryEvent>> SHOWN = List.of(Topics.DEPLOY_EVENTS, Topics.HOST_EVENTS,
            Topics.HEALTH_PROBES, Topics.BREACHES, Topics.ROLLBACK_COMMANDS, Topics.TRAFFIC_SAMPLES,
            Topics.JUDGEMENTS);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(1);
    private static final Duration METRIC_WINDOW = Duration.ofSeconds(10);
    /** How long the history waits for the consumer's partitions before it shows what it has. */
    private static final Duration HISTORY_ASSIGNMENT_WAIT = Duration.ofSeconds(30);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintStream out;
    private final RolloutClock clock = new RolloutClock();
    private final Thread thread;
    private final boolean fromBeginning;
    private final String service;
    private volatile boolean running = true;

    /** deployment id → where its rollout stands, for one progress line each while several run at once. */
    private final Map<String, Progress> active = new TreeMap<>();
    /** deployment id → its plan, which the summaries use for batch counts and previous versions. */
    private final Map<String, DeploymentEvent.Started> plans = new HashMap<>();
    private final Map<String, String> hostState = new TreeMap<>();
    /** service/host → the version it runs, for the "v1 -> v2" of a host being updated. */
    private final Map<String, String> hostVersion = new HashMap<>();
    private final Map<String, Deque<ProbeResult>> probesByVersion = new HashMap<>();
    /** service/version → its instances' traffic samples of the last seconds, when its policy reads them. */
    private final Map<String, Deque<TrafficSample>> trafficByVersion = new HashMap<>();
    private Instant lastStatus = Instant.EPOCH;
    /** Which of a waiting batch's once-a-second evidence records get a line. */
    private final EvidenceThrottle evidence = new EvidenceThrottle();

    /** @param fromBeginning show the topics' whole history first (kanary up), or only what comes next (kanary watch) */
    public LiveConsole(Map<String, Object> kafka, PrintStream out, boolean fromBeginning) {
        this(kafka, out, fromBeginning, null);
    }

    /**
     * @param fromBeginning show the topics' whole history first, in the order the records were written, then what comes next
     * @param service       only this service's events and progress (null: every service)
     */
    public LiveConsole(Map<String, Object> kafka, PrintStream out, boolean fromBeginning, String service) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kanary-console-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.out = out;
        this.fromBeginning = fromBeginning;
        this.service = service;
        this.thread = new Thread(this::run, "kanary-console");
        this.thread.setDaemon(true);
    }

    public LiveConsole start() {
        consumer.subscribe(SHOWN.stream().map(Topic::name).toList());
        thread.start();
        return this;
    }

    private void run() {
        try {
            if (fromBeginning) {
                showHistory();
            }
            while (running) {
                showAll(inRecordOrder(consumer.poll(Duration.ofMillis(100))));
                try {
                    maybeStatus(Instant.now());
                } catch (RuntimeException e) {
                    out.println("             .. (no status line this second: " + e.getMessage() + "; the events above are complete)");
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * The topics' history up to now, sorted by record time across the topics: a consumer hands out
     * each partition's records in turn, so a deployment's events would otherwise come before the
     * host and probe events that caused them.
     */
    private void showHistory() {
        List<ConsumerRecord<byte[], byte[]>> history = new ArrayList<>();
        long deadline = System.nanoTime() + HISTORY_ASSIGNMENT_WAIT.toNanos();
        while (running && consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(history::add);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (running && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            consumer.poll(Duration.ofMillis(100)).forEach(history::add);
        }
        showAll(inRecordOrder(history));
    }

    private static List<ConsumerRecord<byte[], byte[]>> inRecordOrder(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> sorted = new ArrayList<>();
        records.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(ConsumerRecord::timestamp)); // stable: a partition's order stays
        return sorted;
    }

    private void showAll(List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                show(record);
            } catch (RuntimeException e) {
                // A view must never go blank over one record it cannot show: say so and show the next.
                line(Instant.ofEpochMilli(record.timestamp()), record.topic(), "record at offset "
                        + record.offset() + " could not be shown here; it is intact on the topic, and"
                        + " `kanary audit` lists it (" + e.getMessage() + ")");
            }
        }
    }

    private void show(ConsumerRecord<byte[], byte[]> record) {
        Topic<String, ? extends KanaryEvent> topic = SHOWN.stream().filter(t -> t.name().equals(record.topic())).findFirst().orElseThrow();
        // Read through the shared reader: a null, truncated or incomplete record is shown as such, never acted on.
        EventReader.Outcome<? extends KanaryEvent> read = EventReader.of(topic).read(record);
        if (read.isRefused()) {
            line(Instant.ofEpochMilli(record.timestamp()), record.topic(), "unreadable record: " + read.refusal());
            return;
        }
        KanaryEvent event = read.event();
        clock.observe(event, Instant.now());
        // A heartbeat every few seconds per host would bury the rollout; the audit keeps them.
        if (event instanceof HostEvent.Heartbeat || service != null && !service.equals(serviceOf(event))) {
            return;
        }
        if (event instanceof ProbeResult probe) {
            if (probe.wasSkipped()) {
                return; // never sent (the watcher was overloaded): no evidence of the version's health
            }
            probesByVersion.computeIfAbsent(probe.service() + "/" + probe.version(), k -> new ArrayDeque<>()).addLast(probe);
            return;
        }
        if (event instanceof TrafficSample sample) {
            trafficByVersion.computeIfAbsent(sample.service() + "/" + sample.version(), k -> new ArrayDeque<>())
                    .addLast(sample);
            return;
        }
        if (event instanceof Judgement.Progress p) {
            // A record read after its deployment ended says nothing anyone can act on; one of a deployment
            // that started before this console did (no plan seen) still shows.
            boolean ended = plans.containsKey(p.deploymentId()) && !active.containsKey(p.deploymentId());
            if (!ended && evidence.shouldPrint(p)) {
                DeploymentEvent.Started plan = plans.get(p.deploymentId());
                line(Instant.ofEpochMilli(record.timestamp()), p.deploymentId(),
                        EvidenceLine.of(p, plan == null ? 0 : plan.batches().size()));
            }
            return;
        }
        if (event instanceof Judgement j) {
            // Judged: the next batch's progress starts afresh. No line: the planner's deployment.judged,
            // on deploy.events, says the same sentence and that the planner acted on it.
            evidence.forget(j.deploymentId());
            return;
        }
        if (event instanceof DeploymentEvent d) {
            if (d.isTerminal()) {
                evidence.forget(d.deploymentId());
            }
            if (d instanceof DeploymentEvent.Started s) {
                active.put(s.deploymentId(), new Progress(s));
                plans.put(s.deploymentId(), s);
            } else if (d.isTerminal()) {
                active.remove(d.deploymentId());
            } else if (active.containsKey(d.deploymentId())) {
                active.get(d.deploymentId()).observe(d);
            }
            line(Instant.ofEpochMilli(record.timestamp()), d.deploymentId(), Summaries.of(event, plans.get(d.deploymentId())));
            if (d.isTerminal()) {
                status();
            }
            return;
        }
        if (event instanceof HostEvent h) {
            trackHost(h);
            line(Instant.ofEpochMilli(record.timestamp()), h.hostId(), Summaries.of(event, null));
            return;
        }
        line(Instant.ofEpochMilli(record.timestamp()), event.subject(), Summaries.of(event, plans.get(event.subject())));
    }

    /** What this console measured of the rollbacks it saw. */
    public RolloutClock clock() {
        return clock;
    }

    /** Keeps each (service, host)'s state: two services on one host each have their own version. */
    private void trackHost(HostEvent event) {
        if (event instanceof HostEvent.Starting s) {
            hostState.put(key(s.service(), s.hostId()), hostVersion.getOrDefault(key(s.service(), s.hostId()), "-") + " -> " + s.version());
        } else if (event instanceof HostEvent.Started s) {
            hostVersion.put(key(s.service(), s.hostId()), s.version());
            hostState.put(key(s.service(), s.hostId()), s.version());
        } else if (event instanceof HostEvent.RolledBack r) {
            hostVersion.put(key(r.service(), r.hostId()), r.version() == null ? "-" : r.version());
            hostState.put(key(r.service(), r.hostId()), hostVersion.get(key(r.service(), r.hostId())) + " (rolled back)");
        } else if (event instanceof HostEvent.CommandFailed f) {
            hostState.put(key(f.service(), f.hostId()), "failed");
        }
    }

    private static String key(String service, String host) {
        return service + "/" + host;
    }

    private void maybeStatus(Instant now) {
        if (!active.isEmpty() && Duration.between(lastStatus, now).compareTo(STATUS_EVERY) >= 0) {
            status();
        }
    }

    private void status() {
        lastStatus = Instant.now();
        Instant since = lastStatus.minus(METRIC_WINDOW);
        probesByVersion.values().forEach(q -> {
            while (!q.isEmpty() && q.peekFirst().probedAt().isBefore(since)) {
                q.removeFirst();
            }
        });
        trafficByVersion.values().forEach(q -> {
            while (!q.isEmpty() && q.peekFirst().intervalEnd().isBefore(since)) {
                q.removeFirst();
            }
        });
        for (Progress p : active.values()) {
            DeploymentEvent.Started d = p.plan;
            StringBuilder text = new StringBuilder(d.deploymentId()).append(' ').append(p.describe(hostVersion))
                    .append(" | ").append(metrics(d.service(), d.version()));
            if (d.baselineVersion() != null) {
                text.append(" | baseline ").append(metrics(d.service(), d.baselineVersion()));
            }
            text.append(" |");
            for (String host : d.hosts()) {
                text.append(' ').append(host).append(' ').append(hostState.getOrDefault(key(d.service(), host), "-")).append(' ');
            }
            out.println("             .. " + text.toString().trim());
        }
    }

    /** The service an event is about, or null for a host's own events (announcements, heartbeats). */
    private static String serviceOf(KanaryEvent event) {
        if (event instanceof DeploymentEvent d) {
            return d.service();
        }
        if (event instanceof HostEvent.InstanceEvent i) {
            return i.service();
        }
        if (event instanceof ProbeResult p) {
            return p.service();
        }
        if (event instanceof TrafficSample t) {
            return t.service();
        }
        if (event instanceof Breach b) {
            return b.service();
        }
        if (event instanceof Judgement j) {
            return j.service();
        }
        return event instanceof RollbackCommand r ? r.service() : null;
    }

    /** One rollout's place: its batch, whether an operator paused it, and how many of its hosts run the new version. */
    private static final class Progress {
        final DeploymentEvent.Started plan;
        int batch;
        boolean paused;

        Progress(DeploymentEvent.Started plan) {
            this.plan = plan;
        }

        void observe(DeploymentEvent event) {
            if (event instanceof DeploymentEvent.BatchStarted b) {
                batch = b.batch() + 1;
            } else if (event instanceof DeploymentEvent.Paused) {
                paused = true;
            } else if (event instanceof DeploymentEvent.Resumed) {
                paused = false;
            }
        }

        /** {@code web v2: batch 2/3, 1/3 hosts on v2}, and {@code paused} when it is. */
        String describe(Map<String, String> hostVersion) {
            long onNew = plan.hosts().stream().filter(h -> plan.version().equals(hostVersion.get(key(plan.service(), h)))).count();
            return plan.service() + " " + plan.version() + ": batch " + batch + "/" + plan.batches().size() + ", " + onNew
                    + "/" + plan.hosts().size() + " hosts on " + plan.version() + (paused ? ", paused" : "");
        }
    }

    private String metrics(String service, String version) {
        Deque<ProbeResult> probes = probesByVersion.getOrDefault(service + "/" + version, new ArrayDeque<>());
        if (probes.isEmpty()) {
            return version + ": no probes yet";
        }
        long failed = probes.stream().filter(p -> !p.ok()).count();
        long[] latencies = probes.stream().mapToLong(ProbeResult::latencyMs).sorted().toArray();
        long p99 = latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
        return String.format(Locale.ROOT, "%s err %.1f%% p99 %d ms (%d probes/%ds)", version, 100.0 * failed / probes.size(),
                p99, probes.size(), METRIC_WINDOW.toSeconds()) + traffic(service, version);
    }

    /** The version's real traffic over the window, from its instances' traffic samples, when there are any. */
    private String traffic(String service, String version) {
        Deque<TrafficSample> samples = trafficByVersion.get(service + "/" + version);
        long requests = samples == null ? 0 : samples.stream().mapToLong(TrafficSample::requests).sum();
        if (requests == 0) {
            return "";
        }
        long errors = samples.stream().mapToLong(TrafficSample::errors).sum();
        return String.format(Locale.ROOT, ", traffic err %.1f%% (%d requests/%ds)", 100.0 * errors / requests, requests,
                METRIC_WINDOW.toSeconds());
    }

    private void line(Instant at, String subject, String text) {
        out.printf("%s  %-10s %s%n", TIME.format(at), subject == null ? "" : subject, text);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
