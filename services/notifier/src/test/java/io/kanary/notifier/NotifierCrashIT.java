package io.kanary.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.Topics;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier in a JVM of its own, killed with SIGKILL while its webhook is failing and retries
 * are under way, then started again: the event it had not delivered is delivered after the
 * restart, with the same ce-id, and an event written while it was down is not lost either.
 */
class NotifierCrashIT {
    private static final Duration AWAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    @TempDir
    Path dir;

    private final List<Process> notifiers = new ArrayList<>();

    @AfterEach
    void stopNotifiers() throws InterruptedException {
        for (Process process : notifiers) {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void shouldDeliverAfterAKillWhatItHadNotDeliveredWithTheSameCeId() throws Exception {
        try (TestReceiver webhook = TestReceiver.always(503)) {
            Process first = startNotifier("first", webhook);
            Publish.event(broker.kafka(), Topics.BREACHES, Events.breach("breach-1", "web-1"), "/kanary/breach-detector");
            await().atMost(AWAIT).until(() -> webhook.requests().size() >= 2);

            first.destroyForcibly().waitFor();
            Publish.event(broker.kafka(), Topics.DEPLOY_EVENTS, Events.rolledBack("event-9", "web-1"), "/kanary/planner");
            webhook.answerFromNow(200);
            startNotifier("restarted", webhook);

            await().atMost(AWAIT).until(() -> delivered(webhook).size() == 2);
            assertEquals(List.of("breach-1", "event-9"), delivered(webhook));
            Set<String> everyCeIdSent = webhook.requests().stream().map(r -> r.header("ce-id")).collect(Collectors.toSet());
            assertEquals(Set.of("breach-1", "event-9"), everyCeIdSent);
            assertTrue(webhook.requests().stream().filter(r -> r.header("ce-id").equals("breach-1")).count() >= 3,
                    "the breach was tried before the kill and delivered after it");
            assertEquals(List.of(), RawTopics.readToEnd(broker.kafka(), Topics.NOTIFICATIONS_DLQ));
        }
    }

    /** The ce-ids the webhook answered 200 to, in order. */
    private static List<String> delivered(TestReceiver webhook) {
        return webhook.requests().stream().filter(r -> r.answered() == 200).map(r -> r.header("ce-id")).toList();
    }

    /** Starts {@link NotifierMain} in a JVM of its own, retrying for as long as the test needs, and waits until it reads. */
    private Process startNotifier(String name, TestReceiver webhook) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path out = dir.resolve("notifier-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                NotifierMain.class.getName()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "KANARY_WEBHOOK_URLS", webhook.url("/hook").toString(),
                "KANARY_NOTIFIER_MAX_ATTEMPTS", "10000",
                "KANARY_NOTIFIER_INITIAL_BACKOFF_MS", "100",
                "KANARY_NOTIFIER_MAX_BACKOFF_MS", "400"));
        Process process = builder.start();
        notifiers.add(process);
        await().atMost(AWAIT).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the notifier exited: " + Files.readString(out));
            }
            return Files.readString(out).contains("Notifier started");
        });
        return process;
    }
}
