package io.kanary.bench.audit;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RunSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes an audit's history at scale: deployments one after the other, each a complete chain
 * (request, start, batch, deploy command, instance started, batch completed on a probe it cites,
 * success), and between its instance's start and its end its share of the probes, one every
 * {@link #PROBE_SPACING} of record time (1% failing), keyed by service so they spread over the
 * partitions. Written with one producer in large lz4 batches; times lie in the past so the
 * broker keeps them. Calls continue the same history: a second call adds later deployments.
 */
final class AuditScaleData implements AutoCloseable {
    static final String SERVICE_PREFIX = "shop-";
    /** Record time between two probes: 100 probes/s of history, as a fleet of ten instances probed every 100 ms. */
    static final Duration PROBE_SPACING = Duration.ofMillis(10);
    private static final RunSpec RUN = RunSpec.process(List.of("shop", "--port", "{port}"), Map.of());
    private static final String ADDRESS = "http://127.0.0.1:40000";

    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Instant clock;
    private int deployments;
    private long probes;

    /** @param capacity how many probes all calls will write, so that the last one is still in the past */
    AuditScaleData(Map<String, Object> kafka, long capacity) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.clock = Instant.now().minus(PROBE_SPACING.multipliedBy(capacity)).minus(Duration.ofHours(1));
    }

    /** The id of the {@code n}th deployment written (from 0). */
    static String deploymentId(int n) {
        return "scale-" + n;
    }

    int deployments() {
        return deployments;
    }

    long probes() {
        return probes;
    }

    /** Writes {@code count} deployments sharing {@code probeCount} probes, and waits until the broker has them all. */
    void write(int count, long probeCount) {
        for (int i = 0; i < count; i++) {
            long share = probeCount / count + (i < probeCount % count ? 1 : 0);
            deployment(deployments++, share);
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("The broker did not take every record: " + failure.get().getMessage(),
                    failure.get());
        }
    }

    private void deployment(int n, long probeCount) {
        String id = deploymentId(n);
        String service = SERVICE_PREFIX + (n % 7);
        String host = "host-" + n;
        String version = "v" + n;
        DeployRequest request = new DeployRequest(newId(), 1, id, service, version, RUN, List.of(host), 1, null,
                "bench", tick());
        send(Topics.DEPLOY_REQUESTS, service, request, null, request.requestedAt());
        var started = new DeploymentEvent.Started(newId(), 1, id, service, version, null, Map.of(), RUN, null,
                List.of(List.of(host)), "bench", tick());
        send(Topics.DEPLOY_EVENTS, service, started, request.eventId(), started.at());
        var batch = new DeploymentEvent.BatchStarted(newId(), 1, id, service, 0, List.of(host), tick());
        send(Topics.DEPLOY_EVENTS, service, batch, started.eventId(), batch.at());
        var deploy = new HostCommand.Deploy(newId(), 1, host, id, service, version, RUN, tick());
        send(Topics.HOST_COMMANDS, host, deploy, batch.eventId(), deploy.issuedAt());
        var hostStarted = new HostEvent.Started(newId(), 1, host, deploy.eventId(), id, service, version,
                new Instance("i-" + n, ADDRESS, ADDRESS + "/health"), tick());
        send(Topics.HOST_EVENTS, host, hostStarted, deploy.eventId(), hostStarted.at());
        String cited = null;
        for (long i = 0; i < probeCount; i++) {
            boolean ok = i % 100 != 99;
            ProbeResult probe = new ProbeResult(newId(), 1, service, version, host, "i-" + n, ok, ok ? 200 : 503,
                    ok ? 5 + i % 20 : 900, tick(), null);
            send(Topics.HEALTH_PROBES, service, probe, hostStarted.eventId(), probe.probedAt());
            probes++;
            if (i == probeCount / 2) {
                cited = probe.eventId();
            }
        }
        var completed = new DeploymentEvent.BatchCompleted(newId(), 1, id, service, 0, List.of(host), tick());
        send(Topics.DEPLOY_EVENTS, service, completed, cited != null ? cited : hostStarted.eventId(), completed.at());
        var succeeded = new DeploymentEvent.Succeeded(newId(), 1, id, service, version, tick());
        send(Topics.DEPLOY_EVENTS, service, succeeded, completed.eventId(), succeeded.at());
    }

    /** How many decisions (records that are not probes) each deployment writes. */
    static final int DECISIONS_PER_DEPLOYMENT = 7;

    private Instant tick() {
        clock = clock.plus(PROBE_SPACING);
        return clock;
    }

    @SuppressWarnings("unchecked")
    private void send(Topic<String, ?> t, String key, KanaryEvent event, String cause, Instant time) {
        Topic<String, KanaryEvent> topic = (Topic<String, KanaryEvent>) t;
        var headers = CloudEvents.headers(event, "/bench/audit", cause);
        headers.remove(CloudEvents.TIME);
        headers.add(CloudEvents.TIME, time.toString().getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic.name(), null, time.toEpochMilli(), key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(topic.name(), event), headers), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
    }

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        producer.close();
    }
}
