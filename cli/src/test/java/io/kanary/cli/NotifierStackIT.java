package io.kanary.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.kanary.cli.stack.KanaryStack;
import io.kanary.cli.stack.ObservabilityOptions;
import io.kanary.cli.stack.ServiceName;
import io.kanary.cli.stack.StackOptions;
import io.kanary.kafka.CloudEvents;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kanary up's notifier: started from the observability options, announced in the banner, posting to its webhook. */
class NotifierStackIT {
    @TempDir
    Path data;

    @Test
    void shouldStartTheNotifierWithItsWebhookAndSaySo() throws Exception {
        List<String> ceIds = new CopyOnWriteArrayList<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            ceIds.add(exchange.getRequestHeaders().getFirst("ce-id"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        StackOptions options = StackOptions.processes(null, 0, data, EnumSet.of(ServiceName.NOTIFIER), List.of(), 0, 200)
                .withObservability(new ObservabilityOptions(ObservabilityOptions.METRICS_ON_PLANNER_PORT, 0, null,
                        List.of("http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"), "cloudevents"));
        try (KanaryStack stack = KanaryStack.start(options, new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            assertTrue(banner.toString(StandardCharsets.UTF_8).lines()
                    .anyMatch(l -> l.startsWith("notifier    webhooks to 1 URL(s) (")), banner.toString(StandardCharsets.UTF_8));

            DeploymentEvent.Succeeded succeeded = new DeploymentEvent.Succeeded("event-1", 1, "web-1", "web", "v2",
                    Instant.now());
            try (KafkaProducer<String, DeploymentEvent> producer = new KafkaProducer<>(stack.kafka(),
                    Topics.DEPLOY_EVENTS.keySerde().serializer(), Topics.DEPLOY_EVENTS.valueSerde().serializer())) {
                producer.send(CloudEvents.record(Topics.DEPLOY_EVENTS, "web", succeeded, "/kanary/planner", null)).get();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> !ceIds.isEmpty());
            assertEquals(List.of("event-1"), ceIds);
        } finally {
            webhook.stop(0);
        }
    }

    @Test
    void shouldSayTheNotifierIsIdleWithoutTargets() throws Exception {
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        StackOptions options = StackOptions.processes(null, 0, data, EnumSet.of(ServiceName.NOTIFIER), List.of(), 0, 200);
        try (KanaryStack stack = KanaryStack.start(options, new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            assertTrue(banner.toString(StandardCharsets.UTF_8).lines()
                            .anyMatch(l -> l.startsWith("notifier    idle (no --alertmanager-url or --webhook-url) (")),
                    banner.toString(StandardCharsets.UTF_8));
        }
    }
}
