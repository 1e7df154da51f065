package io.kanary.executor;

import io.kanary.executor.driver.DockerDriver;
import io.kanary.executor.driver.HostDriver;
import io.kanary.executor.driver.ProcessDriver;
import io.kanary.kafka.Ids;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor service: takes its hosts' commands from host.commands and carries them out
 * through a {@link HostDriver} per host, reporting every step on host.events.
 *
 * <p>Offsets are committed only after a command's outcome is published, and a command id that was
 * already carried out is answered from the {@link CommandOutcomes} record: at-least-once delivery
 * with effectively-once action.
 */
public final class HostExecutor implements AutoCloseable {
    static final Duration START_WAIT = Duration.ofSeconds(60);
    static final Duration CLOSE_WAIT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(HostExecutor.class);

    private final ExecutorConfig config;
    private final Map<String, HostWorker> workers;
    private final HostEventPublisher publisher;
    private final RefusedCommands refused;
    private final String incarnationId;
    private volatile Heartbeats heartbeats;
    private volatile CommandChecks commandChecks;
    private volatile CommandCheckFeed commandCheckFeed;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OffsetTracker offsets = new OffsetTracker();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread pollThread;
    private final ExecutorMetrics metrics;
    private final KafkaClientMetrics consumerMetrics;
    private final KafkaClientMetrics producerMetrics;
    private volatile boolean running = true;

    private HostExecutor(ExecutorConfig config, Map<String, HostWorker> workers, HostEventPublisher publisher,
                         RefusedCommands refused, String incarnationId) {
        this.config = config;
        this.workers = workers;
        this.publisher = publisher;
        this.refused = refused;
        this.incarnationId = incarnationId;
        Map<String, Object> consumerProps = new HashMap<>(config.kafka());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A static member: an executor restarted after a crash takes its partitions back at once,
        // instead of waiting out the dead member's session (45 s by default).
        consumerProps.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupId());
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.pollThread = new Thread(this::consume, "kanary-executor-" + config.executorId() + "-poll");
        this.metrics = new ExecutorMetrics(config.meterRegistry());
        workers.values().forEach(worker -> worker.withMetrics(metrics));
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        this.consumerMetrics.bindTo(config.meterRegistry());
        this.producerMetrics = publisher.clientMetrics();
        this.producerMetrics.bindTo(config.meterRegistry());
    }

    /** Starts with the driver {@code config.driver()} names for each host. */
    public static HostExecutor start(ExecutorConfig config) {
        return start(config, hostId -> driverFor(config, hostId));
    }

    /**
     * Announces the hosts, rebuilds the idempotency record from host.events and returns once the
     * consumer of host.commands has its partitions (bounded by {@link #START_WAIT}).
     */
    public static HostExecutor start(ExecutorConfig config, Function<String, HostDriver> driverFactory) {
        long began = System.nanoTime();
        HostEventPublisher publisher = new HostEventPublisher(config.kafka(), config.executorId());
        Map<String, HostDriver> drivers = new LinkedHashMap<>();
        HostExecutor executor = null;
        RefusedCommands refused = null;
        // A new id at every start, so heartbeats tell a restarted executor from one that never left.
        String incarnationId = config.executorId() + "-" + Ids.newId().substring(0, 8);
        try {
            long reconciling = 0;
            for (String hostId : config.hostIds()) {
                long driverStart = System.nanoTime();
                HostDriver driver = driverFactory.apply(hostId);
                reconciling += System.nanoTime() - driverStart;
                drivers.put(hostId, driver);
                publisher.publish(new HostEvent.Announced(Ids.newId(), KanaryEvent.SCHEMA_VERSION, hostId,
                        driver.kind(), Instant.now(), config.hostLabels().isEmpty() ? null : config.hostLabels()), null);
            }
            long reconciled = System.nanoTime();
            CommandOutcomes outcomes = CommandOutcomes.rebuild(config.kafka(), drivers.keySet(), START_WAIT);
            Map<String, HostWorker> workers = new LinkedHashMap<>();
            drivers.forEach((hostId, driver) -> workers.put(hostId, new HostWorker(driver, publisher, outcomes,
                    command -> CommandValidator.refusal(command, config.driver(), config.allowList()),
                    new HookRunner(hostId, publisher, outcomes, config.allowList(),
                            config.logDir().resolve(hostId).resolve("hooks")))));
            for (HostWorker worker : workers.values()) {
                worker.reportRecoveries();
            }
            long rebuilt = System.nanoTime();
            refused = RefusedCommands.load(config.kafka(), config.groupId(), START_WAIT);
            long loaded = System.nanoTime();
            executor = new HostExecutor(config, workers, publisher, refused, incarnationId);
            executor.pollThread.start();
            executor.awaitAssignment();
            executor.heartbeats = Heartbeats.start(publisher, config.hostIds(), incarnationId,
                    config.heartbeatInterval(), config.hostLabels());
            executor.startCommandChecks();
            LOG.info("Executor {} serves {} with the {} driver; it takes commands {} ms after its start (hosts "
                            + "reconciled {} ms, announced {} ms, outcomes and recoveries {} ms, dead letters {} ms, "
                            + "partitions {} ms)", incarnationId, config.hostIds(), config.driver(),
                    millis(System.nanoTime() - began), millis(reconciling), millis(reconciled - began - reconciling),
                    millis(rebuilt - reconciled),
                    millis(loaded - rebuilt), millis(System.nanoTime() - loaded));
            return executor;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAfterFailedStart(executor, drivers, publisher, refused);
            throw new IllegalStateException("interrupted while starting executor " + config.executorId(), e);
        } catch (RuntimeException e) {
            closeAfterFailedStart(executor, drivers, publisher, refused);
            throw e;
        }
    }

    /** Runs the command health checks of this executor's instances, learnt from host.events. */
    private void startCommandChecks() {
        commandChecks = CommandChecks.create(config.kafka(), config.executorId(), Set.copyOf(config.hostIds()),
                config.allowList(), config.logDir());
        commandCheckFeed = CommandCheckFeed.start(config.kafka(), config.executorId(), commandChecks, START_WAIT);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    static HostDriver driverFor(ExecutorConfig config, String hostId) {
        if (ProcessDriver.KIND.equals(config.driver())) {
            return new ProcessDriver(hostId, config.logDir().resolve(hostId), config.startDeadline());
        }
        if (DockerDriver.KIND.equals(config.driver())) {
            return DockerDriver.connect(hostId, config.docker(), config.startDeadline());
        }
        throw new IllegalArgumentException("unknown driver '" + config.driver() + "'");
    }

    private void awaitAssignment() throws InterruptedException {
        if (!assigned.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS) || !running) {
            throw new IllegalStateException("executor " + config.executorId() + " got no partition of "
                    + Topics.HOST_COMMANDS.name() + " within " + START_WAIT.toSeconds() + " s; is Kafka reachable at "
                    + config.kafka().get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + "?");
        }
    }

    private void consume() {
        try {
            consumer.subscribe(List.of(Topics.HOST_COMMANDS.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commitProgress();
                    offsets.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    assigned.countDown();
                }
            });
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    dispatch(record);
                }
                commitProgress();
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (RuntimeException e) {
            LOG.error("Executor {} stopped taking commands", config.executorId(), e);
        } finally {
            running = false;
            assigned.countDown();
            Heartbeats beating = heartbeats;
            if (beating != null) {
                // No longer taking commands: the host must look executor-less to the planner.
                beating.close();
            }
            workers.values().forEach(worker -> worker.shutdown(CLOSE_WAIT));
            try {
                commitProgress();
            } catch (WakeupException e) {
                // close() woke us outside poll(); the wake-up is spent, so the commit can go through.
                commitProgress();
            }
            consumer.close(CloseOptions.timeout(CLOSE_WAIT));
        }
    }

    /**
     * Hands a record to its host's worker, or refuses it: whatever the record holds, the consumer
     * moves on (a bad record goes to the DLQ once and its offset is committed past).
     */
    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (key != null && !workers.containsKey(key)) {
            // Another executor's host.
            offsets.skip(partition, record.offset());
            return;
        }
        Optional<String> problem;
        HostCommand command = null;
        try {
            // The key is checked first: a keyless record is refused for that, whatever its value.
            command = key == null ? null
                    : Topics.HOST_COMMANDS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            problem = CommandValidator.problem(key, command);
        } catch (SerializationException e) {
            problem = Optional.of(e.getMessage());
        } catch (RuntimeException e) {
            problem = Optional.of("the record cannot be read: " + e);
        }
        if (problem.isPresent()) {
            refuse(record, problem.get());
            offsets.skip(partition, record.offset());
            return;
        }
        offsets.begin(partition, record.offset());
        workers.get(key).submit(command, () -> offsets.done(partition, record.offset()));
    }

    private void refuse(ConsumerRecord<byte[], byte[]> record, String reason) {
        try {
            if (refused.refuse(record, reason)) {
                metrics.deadLettered(record.topic());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void commitProgress() {
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable();
        if (committable.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(committable);
            offsets.committed(committable);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // The next round retries; uncommitted commands are answered from the outcome record.
            LOG.warn("Cannot commit {} offsets: {}", Topics.HOST_COMMANDS.name(), e.getMessage());
        }
    }

    /**
     * Stops taking commands, abandons queued ones and closes the drivers: the process driver stops
     * its instances, the docker driver leaves its containers running for the next executor.
     */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            pollThread.join(CLOSE_WAIT.multipliedBy(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Heartbeats beating = heartbeats;
        if (beating != null) {
            beating.close();
        }
        CommandCheckFeed checkFeed = commandCheckFeed;
        if (checkFeed != null) {
            checkFeed.close();
        }
        CommandChecks checks = commandChecks;
        if (checks != null) {
            checks.close();
        }
        workers.values().forEach(worker -> worker.driver().close());
        consumerMetrics.close();
        producerMetrics.close();
        publisher.close(CLOSE_WAIT);
        refused.close();
        LOG.info("Executor {} closed", config.executorId());
    }

    private static void closeAfterFailedStart(HostExecutor executor, Map<String, HostDriver> drivers,
                                              HostEventPublisher publisher, RefusedCommands refused) {
        if (executor != null) {
            executor.close();
        } else {
            drivers.values().forEach(HostDriver::close);
            publisher.close(CLOSE_WAIT);
            if (refused != null) {
                refused.close();
            }
        }
    }

    /** This run's id in heartbeats: the executor id and a suffix that is new at every start. */
    public String incarnationId() {
        return incarnationId;
    }

    public static void main(String[] args) {
        io.kanary.metrics.ProcessMetrics metrics = io.kanary.metrics.ProcessMetrics.start();
        HostExecutor executor = start(ExecutorConfig.fromEnv(System.getenv()).withMeterRegistry(metrics.registry()));
        io.kanary.metrics.StandaloneMetrics.serve("executor", executor, metrics, System.getenv());
    }
}
