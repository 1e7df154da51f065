package io.kanary.planner.kafka;

import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.DeadLetters;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.state.Emission;
import io.kanary.planner.state.Planner;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.ProbeResult;
import io.kanary.schema.RollbackCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's one thread: rebuilds the state machine from deploy.events and host.events, then
 * consumes its inputs and publishes each poll's decisions — deployment events, host commands and
 * the consumed offsets — in one Kafka transaction (write-ahead: a crash loses or doubles nothing).
 */
public final class PlannerLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerLoop.class);
    private static final List<Topic<String, ?>> INPUTS = List.of(Topics.DEPLOY_REQUESTS, Topics.HOST_EVENTS,
            Topics.HEALTH_PROBES, Topics.ROLLBACK_COMMANDS);

    private final PlannerConfig config;
    private final Consumer<Planner> onChange;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    private Planner planner = new Planner();

    /** @param onChange called on the loop's thread with the planner after every change, to publish a read-only view */
    public PlannerLoop(PlannerConfig config, Consumer<Planner> onChange) {
        this.config = config;
        this.onChange = onChange;
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
            Replay.rebuild(config.kafka(), planner, config.replayTimeout());
            resume();
            onChange.accept(planner);
            consumer.subscribe(INPUTS.stream().map(Topic::name).toList());
            ready.complete(null);
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (ProducerFencedException e) {
            LOG.error("Another planner with transactional id {} took over; this one stops", config.transactionalId());
        } catch (RuntimeException e) {
            ready.completeExceptionally(e);
            if (running) {
                LOG.error("Planner loop stopped: {}", rootMessage(e), e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.tick());
        Instant now = Instant.now();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record, now, out);
        }
        toRecords(planner.onTick(now), out);
        if (records.isEmpty() && out.isEmpty()) {
            return;
        }
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
        onChange.accept(planner);
    }

    /** After an aborted transaction: state may hold decisions that were never published, so rebuild it. */
    private void recover() {
        planner = new Planner();
        Replay.rebuild(config.kafka(), planner, config.replayTimeout());
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

    /** Tells a rebuilt planner when it was last awake, so its deadlines and liveness count only time awake. */
    private void resume() {
        planner.resume(LastAwake.find(config.kafka(), config.groupId(), config.replayTimeout()).orElse(null), Instant.now());
    }

    private void handle(ConsumerRecord<byte[], byte[]> record, Instant now, List<ProducerRecord<byte[], byte[]>> out) {
        String topic = record.topic();
        try {
            if (topic.equals(Topics.DEPLOY_REQUESTS.name())) {
                DeployRequest request = Topics.DEPLOY_REQUESTS.valueSerde().deserializer().deserialize(topic, record.value());
                Planner.Result result = planner.onRequest(request, now);
                if (result.isAccepted()) {
                    toRecords(result.emissions(), out);
                    LOG.info("Deployment {} of {} {} started", request.effectiveDeploymentId(), request.service(), request.version());
                } else {
                    LOG.warn("Deploy request {} refused: {}", request.eventId(), result.rejection().detail());
                    out.add(DeadLetters.of(record, result.rejection().title() + ": " + result.rejection().detail()));
                }
            } else if (topic.equals(Topics.HOST_EVENTS.name())) {
                HostEvent event = Topics.HOST_EVENTS.valueSerde().deserializer().deserialize(topic, record.value());
                toRecords(planner.onHostEvent(event, now), out);
            } else if (topic.equals(Topics.HEALTH_PROBES.name())) {
                ProbeResult probe = Topics.HEALTH_PROBES.valueSerde().deserializer().deserialize(topic, record.value());
                toRecords(planner.onProbe(probe, now), out);
            } else if (topic.equals(Topics.ROLLBACK_COMMANDS.name())) {
                RollbackCommand command = Topics.ROLLBACK_COMMANDS.valueSerde().deserializer().deserialize(topic, record.value());
                toRecords(planner.onRollback(command, now), out);
            }
        } catch (SerializationException e) {
            // host.events' DLQ belongs to the health-watcher and health.probes' to the breach-detector;
            // the planner owns the DLQs of the topics only it consumes.
            if (topic.equals(Topics.DEPLOY_REQUESTS.name()) || topic.equals(Topics.ROLLBACK_COMMANDS.name())) {
                out.add(DeadLetters.of(record, e.getMessage()));
            }
            LOG.warn("Unreadable record at {}-{}@{}: {}", topic, record.partition(), record.offset(), e.getMessage());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void toRecords(List<Emission> emissions, List<ProducerRecord<byte[], byte[]>> out) {
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
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
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
