package io.kanary.cli;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.audit.Summaries;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The live view of {@code kanary up --demo} and {@code kanary watch}: every deployment, host,
 * breach and rollback event as it lands on Kafka, and once a second, while a deployment is
 * active, each host's version and the new version's error rate and p99 against the baseline's.
 */
final class LiveConsole implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final List<Topic<String, ? extends KanaryEvent>> SHOWN = List.of(Topics.DEPLOY_EVENTS, Topics.HOST_EVENTS,
            Topics.HEALTH_PROBES, Topics.BREACHES, Topics.ROLLBACK_COMMANDS);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(1);
    private static final Duration METRIC_WINDOW = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PrintStream out;
    private final RolloutClock clock = new RolloutClock();
    private final Thread thread;
    private volatile boolean running = true;

    private final Map<String, DeploymentEvent.Started> active = new TreeMap<>();
    /** deployment id → its plan, which the summaries use for batch counts and previous versions. */
    private final Map<String, DeploymentEvent.Started> plans = new HashMap<>();
    private final Map<String, String> hostState = new TreeMap<>();
    /** host → the version it runs, for the "v1 -> v2" of a host being updated. */
    private final Map<String, String> hostVersion = new HashMap<>();
    private final Map<String, Deque<ProbeResult>> probesByVersion = new HashMap<>();
    private Instant lastStatus = Instant.EPOCH;

    /** @param fromBeginning show the topics' whole history first (kanary up), or only what comes next (kanary watch) */
    LiveConsole(Map<String, Object> kafka, PrintStream out, boolean fromBeginning) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kanary-console-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.out = out;
        this.thread = new Thread(this::run, "kanary-console");
        this.thread.setDaemon(true);
    }

    LiveConsole start() {
        consumer.subscribe(SHOWN.stream().map(Topic::name).toList());
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        show(record);
                    } catch (RuntimeException e) {
                        // A view must never go blank over one record it cannot show: say so and show the next.
                        line(Instant.ofEpochMilli(record.timestamp()), record.topic(), "record at offset "
                                + record.offset() + " could not be shown here; it is intact on the topic, and"
                                + " `kanary audit` lists it (" + e.getMessage() + ")");
                    }
                }
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
        if (event instanceof ProbeResult probe) {
            probesByVersion.computeIfAbsent(probe.service() + "/" + probe.version(), k -> new ArrayDeque<>()).addLast(probe);
            return;
        }
        if (event instanceof DeploymentEvent d) {
            if (d instanceof DeploymentEvent.Started s) {
                active.put(s.service(), s);
                plans.put(s.deploymentId(), s);
            } else if (d.isTerminal() && active.containsKey(d.service())
                    && active.get(d.service()).deploymentId().equals(d.deploymentId())) {
                // A queued deployment's cancellation must not clear the one running.
                active.remove(d.service());
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
    RolloutClock clock() {
        return clock;
    }

    private void trackHost(HostEvent event) {
        if (event instanceof HostEvent.Starting s) {
            hostState.put(s.hostId(), s.service() + " " + hostVersion.getOrDefault(s.hostId(), "-") + " -> " + s.version());
        } else if (event instanceof HostEvent.Started s) {
            hostVersion.put(s.hostId(), s.version());
            hostState.put(s.hostId(), s.service() + " " + s.version());
        } else if (event instanceof HostEvent.RolledBack r) {
            hostVersion.put(r.hostId(), r.version() == null ? "-" : r.version());
            hostState.put(r.hostId(), r.service() + " " + hostVersion.get(r.hostId()) + " (rolled back)");
        } else if (event instanceof HostEvent.CommandFailed f) {
            hostState.put(f.hostId(), f.service() + " failed");
        } else if (event instanceof HostEvent.Announced a) {
            hostState.putIfAbsent(a.hostId(), "idle");
        }
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
        StringBuilder text = new StringBuilder();
        for (DeploymentEvent.Started d : active.values()) {
            text.append(metrics(d.service(), d.version()));
            if (d.baselineVersion() != null) {
                text.append(" | baseline ").append(metrics(d.service(), d.baselineVersion()));
            }
            text.append(" | ");
        }
        hostState.forEach((host, state) -> text.append(host).append(' ').append(state).append("  "));
        out.println("             .. " + text.toString().trim());
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
                p99, probes.size(), METRIC_WINDOW.toSeconds());
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
