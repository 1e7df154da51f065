package io.kanary.planner.kafka;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.metrics.PlannerMetrics;
import io.kanary.planner.snapshot.ReplayFloors;
import io.kanary.planner.snapshot.SnapshotStore;
import io.kanary.planner.state.Emission;
import io.kanary.planner.state.Planner;
import io.kanary.schema.ControlCommand;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.InstanceHealth;
import io.kanary.schema.RollbackCommand;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's one thread: rebuilds the state machine from deploy.events and host.events, then
 * consumes its inputs and publishes each poll's decisions — deployment events, host commands and
 * the consumed offsets — in one Kafka transaction (write-ahead: a crash loses or doubles nothing).
 *
 * <p>No record stops it. Each input is read through an {@link EventReader}; a record that is not a
 * valid event, or that the state machine fails on, goes to its topic's DLQ inside the same
 * transaction as the offsets that pass it (so exactly once, and never again after a restart), with
 * the header {@code kanary_dlq_consumer: planner} and the reason, and the loop moves on. If the
 * loop must stop (another planner took over), {@link #stopped()} says so and why.
 */
public final class PlannerLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerLoop.class);
    /** The name the planner signs its dead letters with. */
    public static final String CONSUMER = "planner";
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final int MAX_FAILURES_IN_A_ROW = 60;
    private static final EventReader<DeployRequest> REQUESTS = EventReader.of(Topics.DEPLOY_REQUESTS);
    private static final EventReader<HostEvent> HOST_EVENTS = EventReader.of(Topics.HOST_EVENTS);
    private static final EventReader<InstanceHealth> INSTANCE_HEALTH = EventReader.of(Topics.INSTANCE_HEALTH);
    private static final EventReader<RollbackCommand> ROLLBACKS = EventReader.of(Topics.ROLLBACK_COMMANDS);
    private static final EventReader<ControlCommand> CONTROLS = EventReader.of(Topics.DEPLOY_CONTROLS);
    private static final EventReader<Judgement> JUDGEMENTS = EventReader.of(Topics.JUDGEMENTS);
    private static final List<Topic<String, ?>> INPUTS = List.of(Topics.DEPLOY_REQUESTS, Topics.HOST_EVENTS,
            Topics.INSTANCE_HEALTH, Topics.ROLLBACK_COMMANDS, Topics.DEPLOY_CONTROLS, Topics.JUDGEMENTS);

    private final PlannerConfig config;
    private final Consumer<Planner> onChange;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final RequestDecisions decisions = new RequestDecisions();
    private final Thread thread;
    private final PlannerMetrics metrics;
    private final KafkaClientMetrics consumerMetrics;
    private final KafkaClientMetrics producerMetrics;
    /** What the poll under way wrote, counted once its transaction commits. */
    private final List<Emission> emitted = new ArrayList<>();
    private final List<String> deadLettered = new ArrayList<>();
    private volatile boolean running = true;
    private Planner planner;
    /** Null when snapshots are off (interval 0) or their topic could not be had. */
    private SnapshotStore snapshots;
    private final ReplayFloors floors = new ReplayFloors();
    private Instant lastSnapshotAt = Instant.EPOCH;
    /** When the round in the transaction under way was taken; null when it holds none. */
    private Instant snapshotDue;

    /** @param onChange called on the loop's thread with the planner after every change, to publish a read-only view */
    public PlannerLoop(PlannerConfig config, Consumer<Planner> onChange) {
        this.config = config;
        this.metrics = new PlannerMetrics(config.meterRegistry());
        this.onChange = changed -> {
            metrics.onChange(changed);
            onChange.accept(changed);
        };
        this.planner = new Planner(config.allowList(), config.requireEvidence());
        Map<String, Object> consumerProps = new HashMap<>(config.kafka());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> producerProps = new HashMap<>(config.kafka());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "kanary-planner-loop");
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        this.consumerMetrics.bindTo(config.meterRegistry());
        this.producerMetrics = new KafkaClientMetrics(producer);
        this.producerMetrics.bindTo(config.meterRegistry());
    }

    /** Starts the loop and returns once state is rebuilt and inputs are being consumed. */
    public void start() {
        thread.start();
        try {
            ready.get(config.replayTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("The planner could not rebuild its state from Kafka at "
                    + config.kafka().get("bootstrap.servers") + ": " + rootMessage(e), e);
        }
    }

    private void run() {
        try {
            producer.initTransactions();
            if (!config.snapshotInterval().isZero()) {
                SnapshotStore store = new SnapshotStore(config.snapshotTopic());
                snapshots = store.ensureTopic(config.kafka(), config.replayTimeout()) ? store : null;
            }
            rebuild(planner);
            resume();
            onChange.accept(planner);
            consumer.subscribe(INPUTS.stream().map(Topic::name).toList());
            ready.complete(null);
            boolean needsRecovery = false;
            int failuresInARow = 0;
            while (running) {
                try {
                    if (needsRecovery) {
                        recover();
                        needsRecovery = false;
                    }
                    pollOnce();
                    failuresInARow = 0;
                } catch (WakeupException | ProducerFencedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Kafka unreachable for a while, a rebalance gone wrong: a retry on state rebuilt from the
                    // topics mends it. One that keeps failing is not passing: stop, and say so.
                    if (++failuresInARow >= MAX_FAILURES_IN_A_ROW) {
                        throw new IllegalStateException("the planner loop failed " + failuresInARow
                                + " times in a row, last: " + rootMessage(e), e);
                    }
                    LOG.warn("Planner loop: {}; rebuilding state from the topics and retrying in {}", rootMessage(e),
                            RETRY_AFTER_FAILURE);
                    needsRecovery = true;
                    pause();
                }
            }
            stopped.complete(null);
        } catch (WakeupException e) {
            // close() asked us to stop
            stopped.complete(null);
        } catch (ProducerFencedException e) {
            LOG.error("Another planner with transactional id {} took over; this one stops", config.transactionalId());
            stopped.completeExceptionally(new IllegalStateException("another planner with transactional id "
                    + config.transactionalId() + " took over", e));
        } catch (RuntimeException | Error e) {
            ready.completeExceptionally(e);
            stopped.completeExceptionally(e);
            if (running) {
                LOG.error("Planner loop stopped: {}", rootMessage(e), e);
            }
        } finally {
            consumerMetrics.close();
            producerMetrics.close();
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Completes when the loop has stopped: normally after {@link #close()}, exceptionally when it
     * stopped by itself (another planner took over, or an error it could not get past). A planner
     * whose loop stopped decides nothing more; whoever runs it must know, and stop or restart it.
     */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** The loop's recent decisions on deploy requests, for the API to answer with. */
    public RequestDecisions decisions() {
        return decisions;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.tick());
        Instant now = Instant.now();
        emitted.clear();
        deadLettered.clear();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        List<RequestDecisions.Decision> decided = new ArrayList<>();
        boolean stateSuspect = false;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            stateSuspect |= !handle(record, now, out, decided);
        }
        try {
            toRecords(planner.onTick(now), out);
        } catch (RuntimeException e) {
            LOG.error("Planner tick failed: {}; its decisions are dropped and state is rebuilt from the topics",
                    rootMessage(e), e);
            stateSuspect = true;
        }
        if (records.isEmpty() && out.isEmpty()) {
            return;
        }
        snapshotDue = null;
        snapshotIfDue(now, out);
        try {
            producer.beginTransaction();
            out.forEach(producer::send);
            if (!records.isEmpty()) {
                producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("Transaction failed ({}); rebuilding state from the topics and retrying", rootMessage(e));
            producer.abortTransaction();
            recover();
            return;
        }
        if (snapshotDue != null) {
            lastSnapshotAt = snapshotDue;
        }
        // Counted once committed: an aborted transaction is retried from the topics and counted then.
        metrics.onWritten(emitted, deadLettered, planner);
        if (stateSuspect) {
            // The state machine failed half-way through a record: what it holds in memory may differ from
            // what was published. The record (now committed, with the bad input dead-lettered) is the truth.
            recover();
        } else {
            onChange.accept(planner);
        }
        // After the view: an API told "accepted" finds the deployment at its Location at once.
        decided.forEach(decisions::record);
    }

    /** After an aborted transaction: state may hold decisions that were never published, so rebuild it. */
    private void recover() {
        Planner rebuilt = new Planner(config.allowList(), config.requireEvidence());
        rebuild(rebuilt);
        planner = rebuilt;
        resume();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
        for (TopicPartition partition : consumer.assignment()) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
        onChange.accept(planner);
    }

    private void rebuild(Planner into) {
        Replay.Rebuilt rebuilt = Replay.rebuild(config.kafka(), into, config.replayTimeout(), snapshots);
        floors.restored(rebuilt.hostEventsFrom());
    }

    /**
     * Adds a round of snapshots to the transaction under way when one is due (the interval passed, or a
     * deployment ended, which lowers how far back a restart must read): one record per known host, naming
     * where host.events is replayed from. In the transaction with the offsets, so a crash between the
     * two loses and doubles nothing: a snapshot that was not committed was never taken.
     */
    private void snapshotIfDue(Instant now, List<ProducerRecord<byte[], byte[]>> out) {
        if (snapshots == null) {
            return;
        }
        Map<TopicPartition, Long> positions = hostEventPositions();
        boolean ended = false;
        for (Emission emission : emitted) {
            if (emission.event() instanceof DeploymentEvent.Started started) {
                floors.started(started.deploymentId(), positions);
            }
            ended |= emission.event() instanceof DeploymentEvent d && d.isTerminal();
        }
        if (!ended && Duration.between(lastSnapshotAt, now).compareTo(config.snapshotInterval()) < 0) {
            return;
        }
        List<String> active = planner.activeDeployments().stream().map(d -> d.id()).toList();
        out.addAll(snapshots.round(planner.fleet().states(), floors.floors(positions, active), now));
        snapshotDue = now;
    }

    /** Where the consumer stands in each host.events partition: the offsets this poll's transaction commits. */
    private Map<TopicPartition, Long> hostEventPositions() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            if (partition.topic().equals(Topics.HOST_EVENTS.name())) {
                positions.put(partition, consumer.position(partition));
            }
        }
        return positions;
    }

    /** Tells a rebuilt planner when it was last awake, so its deadlines and liveness count only time awake. */
    private void resume() {
        planner.resume(LastAwake.find(config.kafka(), config.groupId(), config.replayTimeout()).orElse(null), Instant.now());
    }

    /**
     * Acts on one input record; a record that cannot be read or acted on goes to its DLQ.
     *
     * @return false when the state machine failed on the record, so its in-memory state may be off
     */
    private boolean handle(ConsumerRecord<byte[], byte[]> record, Instant now, List<ProducerRecord<byte[], byte[]>> out,
                           List<RequestDecisions.Decision> decided) {
        String topic = record.topic();
        try {
            String refusal = null;
            if (topic.equals(Topics.DEPLOY_REQUESTS.name())) {
                EventReader.Outcome<DeployRequest> read = REQUESTS.read(record);
                refusal = read.isRefused() ? read.refusal() : onRequest(read.event(), now, out, decided);
            } else if (topic.equals(Topics.HOST_EVENTS.name())) {
                EventReader.Outcome<HostEvent> read = HOST_EVENTS.read(record);
                if (!read.isRefused()) {
                    toRecords(planner.onHostEvent(read.event(), now), out);
                    metrics.onHostEvent(read.event());
                }
                refusal = read.refusal();
            } else if (topic.equals(Topics.INSTANCE_HEALTH.name())) {
                // Gates read the instances' streaks, not every probe: the planner's cost does not grow with the probe rate.
                EventReader.Outcome<InstanceHealth> read = INSTANCE_HEALTH.read(record);
                if (!read.isRefused()) {
                    toRecords(planner.onInstanceHealth(read.event(), now), out);
                }
                refusal = read.refusal();
            } else if (topic.equals(Topics.ROLLBACK_COMMANDS.name())) {
                EventReader.Outcome<RollbackCommand> read = ROLLBACKS.read(record);
                if (!read.isRefused()) {
                    toRecords(planner.onRollback(read.event(), now), out);
                }
                refusal = read.refusal();
            } else if (topic.equals(Topics.JUDGEMENTS.name())) {
                EventReader.Outcome<Judgement> read = JUDGEMENTS.read(record);
                if (!read.isRefused()) {
                    toRecords(planner.onJudgement(read.event(), now), out);
                }
                refusal = read.refusal();
            } else if (topic.equals(Topics.DEPLOY_CONTROLS.name())) {
                EventReader.Outcome<ControlCommand> read = CONTROLS.read(record);
                refusal = read.isRefused() ? read.refusal() : onControl(read.event(), now, out, decided);
            }
            if (refusal != null) {
                deadLetter(record, refusal, out);
            }
            return true;
        } catch (RuntimeException e) {
            // The safety net: a record the state machine cannot take must not stop the planner for good.
            LOG.error("The planner failed on {}-{}@{}; sending it to the DLQ and moving on", topic, record.partition(),
                    record.offset(), e);
            deadLetter(record, "the planner failed on this record (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", out);
            return false;
        }
    }

    /** @return why the request was refused, or null when it started a deployment */
    private String onRequest(DeployRequest request, Instant now, List<ProducerRecord<byte[], byte[]>> out,
                             List<RequestDecisions.Decision> decided) {
        Planner.Result result = planner.onRequest(request, now);
        if (result.isAccepted()) {
            toRecords(result.emissions(), out);
            decided.add(new RequestDecisions.Decision(request.eventId(), request.effectiveDeploymentId(), null));
            LOG.info("Deployment {} of {} {} started", request.effectiveDeploymentId(), request.service(), request.version());
            return null;
        }
        decided.add(new RequestDecisions.Decision(request.eventId(), request.effectiveDeploymentId(), result.rejection()));
        LOG.warn("Deploy request {} refused: {}", request.eventId(), result.rejection().detail());
        return result.rejection().title() + ": " + result.rejection().detail();
    }

    /**
     * @return null: a control that does not apply now is refused to its sender through the decisions (and
     *         logged), not dead-lettered; one that cannot be read at all never gets here (its reader refuses it)
     */
    private String onControl(ControlCommand control, Instant now, List<ProducerRecord<byte[], byte[]>> out,
                             List<RequestDecisions.Decision> decided) {
        Planner.Result result = planner.onControl(control, now);
        toRecords(result.emissions(), out);
        decided.add(new RequestDecisions.Decision(control.eventId(), control.deploymentId(), result.rejection()));
        if (result.isAccepted()) {
            LOG.info("Control {} of {} by {} acted on", control.action().word(), control.deploymentId(), control.by());
        } else {
            LOG.info("Control {} of {} by {} refused: {}", control.action().word(), control.deploymentId(),
                    control.by(), result.rejection().detail());
        }
        return null;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason,
                            List<ProducerRecord<byte[], byte[]>> out) {
        deadLettered.add(record.topic());
        LOG.warn("{}-{}@{} sent to the DLQ: {}", record.topic(), record.partition(), record.offset(), reason);
        out.add(DeadLetters.of(record, reason, CONSUMER));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void toRecords(List<Emission> emissions, List<ProducerRecord<byte[], byte[]>> out) {
        emitted.addAll(emissions);
        for (Emission emission : emissions) {
            Topic topic = emission.topic();
            KanaryEvent event = emission.event();
            byte[] key = topic.keySerde().serializer().serialize(topic.name(), emission.key());
            byte[] value = topic.valueSerde().serializer().serialize(topic.name(), event);
            out.add(new ProducerRecord<>(topic.name(), null, key, value,
                    CloudEvents.headers(event, Planner.SOURCE, emission.causationId())));
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    static String rootMessage(Throwable e) {
        Throwable root = ExceptionUtils.getRootCause(e);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
