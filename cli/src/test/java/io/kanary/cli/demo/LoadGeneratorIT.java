package io.kanary.cli.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.demo.DemoApp;
import io.kanary.demo.DemoAppConfig;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.TrafficSample;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo's load: real requests to the instances host.events announce, none once an instance stops. */
class LoadGeneratorIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern COUNT = Pattern.compile(
            "http_server_requests_seconds_count\\{status=\"200\",uri=\"/\"} (\\d+)");

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @Test
    void shouldSendRequestsToEachAnnouncedInstanceUntilItStopsAndCountTheServicesSamples() throws Exception {
        Map<String, Object> kafka = broker.kafka();
        try (DemoApp app = DemoApp.start(new DemoAppConfig(0, "v1", 0.0, 0));
             LoadGenerator load = LoadGenerator.start(kafka, "demo", 20)) {
            String address = "http://127.0.0.1:" + app.port();
            write(kafka, Topics.HOST_EVENTS, "host-1", new HostEvent.Started("e-1", KanaryEvent.SCHEMA_VERSION, "host-1",
                    "c-1", "d-1", "demo", "v1", new Instance("i-1", address, address + "/health"), Instant.now()));
            write(kafka, Topics.HOST_EVENTS, "host-2", new HostEvent.Started("e-2", KanaryEvent.SCHEMA_VERSION, "host-2",
                    "c-2", "d-1", "other", "v1", new Instance("i-2", address, address + "/health"), Instant.now()));

            await().atMost(WAIT).until(() -> served(app) >= 40);
            assertEquals(1, load.instances());

            write(kafka, Topics.HOST_EVENTS, "host-1", new HostEvent.Stopped("e-3", KanaryEvent.SCHEMA_VERSION, "host-1",
                    "c-3", "d-1", "demo", "v1", "i-1", Instant.now()));
            await().atMost(WAIT).until(() -> load.instances() == 0);
            AtomicLong last = new AtomicLong(-1);
            // Quiet for two seconds, 40 requests' worth at its rate: no request goes out any more.
            await().atMost(WAIT).during(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> last.getAndSet(served(app)) == served(app));

            write(kafka, Topics.TRAFFIC_SAMPLES, "demo", new TrafficSample("s-1", KanaryEvent.SCHEMA_VERSION, "demo", "v1",
                    "host-1", "i-1", "scrape", Instant.now().minusSeconds(1), Instant.now(), 20, 2, List.of()));
            write(kafka, Topics.TRAFFIC_SAMPLES, "other", new TrafficSample("s-2", KanaryEvent.SCHEMA_VERSION, "other",
                    "v1", "host-2", "i-2", "scrape", Instant.now().minusSeconds(1), Instant.now(), 7, 0, List.of()));
            await().atMost(WAIT).until(() -> load.stats().samples() == 1);
            LoadGenerator.Stats stats = load.stats();
            assertEquals(List.of(1L, 20L, 2L), List.of(stats.samples(), stats.sampledRequests(), stats.sampledErrors()));
        }
    }

    /** How many requests to {@code /} the app counted, read from its own metrics. */
    private static long served(DemoApp app) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = COUNT.matcher(metrics.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static <V extends KanaryEvent> void write(Map<String, Object> kafka, Topic<String, V> topic, String key, V event)
            throws Exception {
        RawTopics.write(kafka, topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), event));
    }
}
