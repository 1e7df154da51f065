package io.kanary.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.executor.driver.DeployContext;
import io.kanary.executor.driver.HostDriver;
import io.kanary.executor.driver.RunningInstance;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor's meters, fed by one host's worker carrying out real commands over a stand-in driver. */
class ExecutorMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorMetrics metrics = new ExecutorMetrics(registry);
    private final StoppingDriver driver = new StoppingDriver();
    private final HostWorker worker = new HostWorker(driver, new HostEventPublisher(new MockProducer<>(true, null,
            new StringSerializer(), Topics.HOST_EVENTS.valueSerde().serializer())), new CommandOutcomes(),
            command -> command.service().equals("blocked") ? Optional.of("not on the allow-list") : Optional.empty())
            .withMetrics(metrics);

    @AfterEach
    void stopWorker() {
        driver.release.countDown();
        worker.shutdown(WAIT);
    }

    @Test
    void shouldCountAndTimeACarriedOutCommandAndARefusedOneByActionAndOutcome() {
        driver.release.countDown();
        AtomicInteger done = new AtomicInteger();

        worker.submit(stop("cmd-1", "shop"), done::incrementAndGet);
        worker.submit(stop("cmd-2", "blocked"), done::incrementAndGet);
        await().atMost(WAIT).until(() -> done.get() == 2);

        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(1.0, registry.get("kanary.executor.commands").tags("action", "stop", "outcome", "succeeded")
                    .counter().count());
            assertEquals(1.0, registry.get("kanary.executor.commands").tags("action", "stop", "outcome", "refused")
                    .counter().count());
            assertEquals(1, registry.get("kanary.executor.command").tags("action", "stop", "outcome", "succeeded")
                    .timer().count());
            assertEquals(0.0, registry.get("kanary.executor.commands.in.flight").gauge().value());
        });
    }

    @Test
    void shouldNotCountACommandDeliveredAgainThatIsAnsweredFromTheRecord() {
        driver.release.countDown();
        AtomicInteger done = new AtomicInteger();

        worker.submit(stop("cmd-1", "shop"), done::incrementAndGet);
        worker.submit(stop("cmd-1", "shop"), done::incrementAndGet);
        await().atMost(WAIT).until(() -> done.get() == 2);

        await().atMost(WAIT).untilAsserted(() -> assertEquals(1.0, registry.get("kanary.executor.commands")
                .tags("action", "stop", "outcome", "succeeded").counter().count()));
        assertEquals(1, driver.stops.get());
    }

    @Test
    void shouldShowACommandInFlightWhileTheDriverCarriesItOut() {
        worker.submit(stop("cmd-1", "shop"), () -> { });

        await().atMost(WAIT).until(() -> registry.get("kanary.executor.commands.in.flight").gauge().value() == 1.0);
        driver.release.countDown();
        await().atMost(WAIT).until(() -> registry.get("kanary.executor.commands.in.flight").gauge().value() == 0.0);
    }

    @Test
    void shouldNameEachActionInLowerCase() {
        assertEquals("stop", ExecutorMetrics.action(stop("c", "shop")));
        assertEquals("run_hook", ExecutorMetrics.action(new HostCommand.RunHook("c", 1, "host-1", "d", "shop",
                "pre-deploy", List.of("true"), List.of(), Map.of(), 1_000, Instant.now())));
        assertEquals("failed", ExecutorMetrics.outcomeOf(new HostEvent.CommandFailed("e", 1, "host-1", "c", "d", "shop",
                "v2", "no such file", Instant.now())));
    }

    @Test
    void shouldCountDeadLettersAsTheExecutors() {
        metrics.deadLettered("host.commands");
        metrics.deadLettered("host.commands");

        assertEquals(2.0, registry.get("kanary.dlq.records").tags("topic", "host.commands", "consumer", "executor")
                .counter().count());
    }

    private static HostCommand.Stop stop(String commandId, String service) {
        return new HostCommand.Stop(commandId, 1, "host-1", "dep-1", service, Instant.now());
    }

    /** Runs v1 of every service; stops it once {@link #release} opens. */
    private static final class StoppingDriver implements HostDriver {
        final AtomicInteger stops = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String hostId() {
            return "host-1";
        }

        @Override
        public String kind() {
            return "stopping";
        }

        @Override
        public Instance deploy(String service, String version, RunSpec run, DeployContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RunningInstance> rollback(String service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RunningInstance> stop(String service) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            stops.incrementAndGet();
            return Optional.of(new RunningInstance(service, "v1", new Instance("host-1/" + service + "/v1", "http://x",
                    "http://x/h")));
        }

        @Override
        public Optional<RunningInstance> current(String service) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
