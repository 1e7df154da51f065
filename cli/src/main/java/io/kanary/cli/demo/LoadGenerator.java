package io.kanary.cli.demo;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.TrafficSample;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Real HTTP load for the demo: {@code GET /} at a steady rate on every live instance of one service,
 * so the instances' own request metrics (and the traffic samples the health-watcher reads from them)
 * carry users' traffic, errors included. Instances are learned from host.events as the live console
 * learns them; it also counts the traffic samples of the service that reach traffic.samples, to show
 * the load was seen.
 *
 * <p>Requests go out in ticks of {@value #TICK_MS} ms on a Vert.x instance of its own. An instance
 * with as many requests in flight as it is sent in a second gets none more until they are answered:
 * a slow or stopped instance costs a bounded number of connections, never a growing queue.
 */
public final class LoadGenerator implements AutoCloseable {
    public static final int DEFAULT_RATE_PER_SECOND = 50;
    static final long TICK_MS = 100;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final String service;
    private final int ratePerSecond;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread feed;
    private final Vertx vertx;
    private final WebClient client;
    /** host id → the service's instance there. */
    private final Map<String, Target> instances = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered5xx = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong sampledRequests = new AtomicLong();
    private final AtomicLong sampledErrors = new AtomicLong();
    private volatile boolean running = true;
    private long timerId;
    /** Carries the fraction of a request a tick owes when the rate is not a multiple of the ticks per second. */
    private double owed;

    /** An instance to send to: its id (a stop names it) and its base URL. */
    private record Target(String instanceId, String address) {
    }

    /** What it sent and what the health-watcher's samples counted of the service, so far. */
    public record Stats(long sent, long answered5xx, long unanswered, long samples, long sampledRequests,
                        long sampledErrors) {
    }

    private LoadGenerator(Map<String, Object> kafka, String service, int ratePerSecond) {
        this.service = service;
        this.ratePerSecond = ratePerSecond;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kanary-console-load-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.feed = new Thread(this::read, "kanary-load-feed");
        this.feed.setDaemon(true);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("kanary-load-generator")
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(Math.max(1, ratePerSecond)));
    }

    /**
     * Starts sending {@code ratePerSecond} requests a second to each live instance of {@code service}.
     *
     * @throws IllegalArgumentException when the rate is not positive
     */
    public static LoadGenerator start(Map<String, Object> kafka, String service, int ratePerSecond) {
        if (ratePerSecond < 1) {
            throw new IllegalArgumentException("the load generator's rate must be at least 1 request/s per instance, was "
                    + ratePerSecond);
        }
        LoadGenerator load = new LoadGenerator(kafka, service, ratePerSecond);
        load.consumer.subscribe(List.of(Topics.HOST_EVENTS.name(), Topics.TRAFFIC_SAMPLES.name()));
        load.feed.start();
        load.timerId = load.vertx.setPeriodic(TICK_MS, id -> load.tick());
        return load;
    }

    public Stats stats() {
        return new Stats(sent.get(), answered5xx.get(), unanswered.get(), samples.get(), sampledRequests.get(),
                sampledErrors.get());
    }

    /** How many instances it sends to now. */
    public int instances() {
        return instances.size();
    }

    private void tick() {
        owed += ratePerSecond * TICK_MS / 1000.0;
        int perInstance = (int) owed;
        owed -= perInstance;
        for (Target instance : instances.values()) {
            AtomicInteger busy = inFlight.computeIfAbsent(instance.address(), url -> new AtomicInteger());
            for (int i = 0; i < perInstance && busy.get() < ratePerSecond; i++) {
                send(instance.address(), busy);
            }
        }
    }

    private void send(String address, AtomicInteger busy) {
        busy.incrementAndGet();
        sent.incrementAndGet();
        try {
            client.getAbs(address + "/").timeout(REQUEST_TIMEOUT.toMillis()).send()
                    .timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .onComplete(result -> {
                        busy.decrementAndGet();
                        if (result.failed()) {
                            unanswered.incrementAndGet();
                        } else if (result.result().statusCode() >= 500) {
                            answered5xx.incrementAndGet();
                        }
                    });
        } catch (RuntimeException badAddress) {
            busy.decrementAndGet();
            unanswered.incrementAndGet();
        }
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(Topics.HOST_EVENTS.name())) {
                        EventReader.Outcome<HostEvent> read = EventReader.of(Topics.HOST_EVENTS).read(record);
                        if (!read.isRefused()) {
                            learn(read.event());
                        }
                    } else {
                        EventReader.Outcome<TrafficSample> read = EventReader.of(Topics.TRAFFIC_SAMPLES).read(record);
                        if (!read.isRefused() && service.equals(read.event().service())) {
                            samples.incrementAndGet();
                            sampledRequests.addAndGet(read.event().requests());
                            sampledErrors.addAndGet(read.event().errors());
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Keeps the address of the service's instance on each host, as host events announce and retire them. */
    private void learn(HostEvent event) {
        if (event instanceof HostEvent.Started s && service.equals(s.service()) && s.instance() != null
                && s.instance().address() != null) {
            instances.put(s.hostId(), new Target(s.instance().instanceId(), s.instance().address()));
        } else if (event instanceof HostEvent.RolledBack r && service.equals(r.service())) {
            if (r.instance() != null && r.instance().address() != null) {
                instances.put(r.hostId(), new Target(r.instance().instanceId(), r.instance().address()));
            } else {
                instances.remove(r.hostId());
            }
        } else if (event instanceof HostEvent.Stopped s && service.equals(s.service())) {
            // Only the instance it names: its replacement may have been announced already.
            instances.computeIfPresent(s.hostId(), (host, t) -> t.instanceId().equals(s.instanceId()) ? null : t);
        }
    }

    @Override
    public void close() {
        running = false;
        vertx.cancelTimer(timerId);
        consumer.wakeup();
        try {
            feed.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            vertx.close().await(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            System.err.println("The demo's load generator did not stop within 5 s: " + e.getMessage());
        }
    }
}
