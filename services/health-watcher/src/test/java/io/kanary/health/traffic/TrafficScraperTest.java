package io.kanary.health.traffic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.Policy;
import io.kanary.schema.TrafficSample;
import io.kanary.schema.TrafficSource;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scraper's schedule against a real HTTP server serving Prometheus text, its samples caught by a
 * recording sink instead of Kafka.
 */
class TrafficScraperTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long INTERVAL_MS = 100;

    private Vertx vertx;
    private HttpServer server;
    private TrafficScraper scraper;
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger reads = new AtomicInteger();
    private final List<TrafficSample> samples = new CopyOnWriteArrayList<>();
    private final List<String> outcomes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            reads.incrementAndGet();
            request.response().end("# TYPE http_server_requests_seconds histogram\n"
                    + "http_server_requests_seconds_count{status=\"200\",uri=\"/\"} " + served.get() + ".0\n");
        }).listen(0, "127.0.0.1").await();
        scraper = new TrafficScraper((instance, sample) -> samples.add(sample), (service, outcome) -> outcomes.add(outcome),
                Duration.ofSeconds(5));
        vertx.deployVerticle(scraper).await();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void shouldPublishWhatWasServedInContiguousIntervals() {
        served.set(10);
        deploymentStarted();
        hostStarted();
        await().atMost(WAIT).until(() -> !samples.isEmpty());

        served.set(25);
        await().atMost(WAIT).until(() -> total() == 15);
        int seen = samples.size();
        await().atMost(WAIT).until(() -> samples.size() >= seen + 3);

        List<TrafficSample> all = new ArrayList<>(samples);
        assertEquals(15, all.stream().mapToLong(TrafficSample::requests).sum());
        for (int i = 1; i < all.size(); i++) {
            assertEquals(all.get(i - 1).intervalEnd(), all.get(i).intervalStart(), "sample " + i + " of " + all);
        }
        assertEquals(List.of("scrape"), all.stream().map(TrafficSample::source).distinct().toList());
        assertEquals(List.of("ok"), outcomes.stream().distinct().toList());
    }

    @Test
    void shouldNotReadAnInstanceBeingReplacedAndReadItAgainWhenTheReplacementFails() {
        deploymentStarted();
        hostStarted();
        await().atMost(WAIT).until(() -> samples.size() >= 2);

        scraper.onHostEvent(new HostEvent.Starting("e-2", KanaryEvent.SCHEMA_VERSION, "host-1", "c-2", "d-1", "shop", "v2",
                Instant.now()), "e-2");
        AtomicInteger last = new AtomicInteger(-1);
        // Quiet for a second, ten of its intervals: nothing reads the instance being replaced.
        await().atMost(WAIT).during(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> last.getAndSet(reads.get()) == reads.get());

        int before = samples.size();
        scraper.onHostEvent(new HostEvent.CommandFailed("e-3", KanaryEvent.SCHEMA_VERSION, "host-1", "c-2", "d-1", "shop",
                "v2", "no such image", Instant.now()), "e-3");
        await().atMost(WAIT).until(() -> samples.size() >= before + 2);
    }

    private long total() {
        return samples.stream().mapToLong(TrafficSample::requests).sum();
    }

    private void deploymentStarted() {
        Policy policy = Policy.defaults().withTraffic(new TrafficSource(null, INTERVAL_MS, null, null, null, null));
        scraper.onDeploymentStarted(new DeploymentEvent.Started("e-0", KanaryEvent.SCHEMA_VERSION, "d-1", "shop", "v1",
                null, Map.of(), null, policy, List.of(List.of("host-1")), "test", Instant.now()));
    }

    private void hostStarted() {
        String address = "http://127.0.0.1:" + server.actualPort();
        scraper.onHostEvent(new HostEvent.Started("e-1", KanaryEvent.SCHEMA_VERSION, "host-1", "c-1", "d-1", "shop", "v1",
                new Instance("i-1", address, address + "/health"), Instant.now()), "e-1");
    }
}
