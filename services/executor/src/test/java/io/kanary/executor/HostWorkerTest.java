package io.kanary.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.executor.driver.HostDriver;
import io.kanary.executor.driver.RunningInstance;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** One host's worker over a producer that fails: the command is tried again, not dropped, and acted on once. */
class HostWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldTryACommandAgainWhenItsEventCannotBeWrittenAndActOnlyOnce() {
        MockProducer<String, HostEvent> producer = new MockProducer<>(false, null, new StringSerializer(),
                Topics.HOST_EVENTS.valueSerde().serializer());
        CountingDriver driver = new CountingDriver();
        HostWorker worker = new HostWorker(driver, new HostEventPublisher(producer), new CommandOutcomes());
        AtomicInteger done = new AtomicInteger();
        worker.submit(new HostCommand.Stop("cmd-1", 1, "host-1", "dep-1", "shop", Instant.now()), done::incrementAndGet);

        await().atMost(WAIT).until(() -> producer.history().size() == 1);
        producer.errorNext(new TimeoutException("the broker is gone"));
        await().atMost(WAIT).until(() -> producer.history().size() == 2);
        assertEquals(0, done.get(), "a command whose outcome was not written counted as done");
        producer.completeNext();
        await().atMost(WAIT).until(() -> done.get() == 1);

        HostEvent.Stopped first = (HostEvent.Stopped) producer.history().get(0).value();
        HostEvent.Stopped again = (HostEvent.Stopped) producer.history().get(1).value();
        assertEquals("v1", first.version());
        // The retry found v1 already stopped: reported, not stopped a second time.
        assertEquals(1, driver.stops.get());
        assertEquals("cmd-1", again.commandId());
        worker.shutdown(WAIT);
    }

    @Test
    void shouldAnswerARefusedCommandDeliveredAgainFromTheRecordWithoutActing() {
        MockProducer<String, HostEvent> producer = new MockProducer<>(true, null, new StringSerializer(),
                Topics.HOST_EVENTS.valueSerde().serializer());
        CountingDriver driver = new CountingDriver();
        AtomicInteger asked = new AtomicInteger();
        HostWorker worker = new HostWorker(driver, new HostEventPublisher(producer), new CommandOutcomes(), command -> {
            asked.incrementAndGet();
            return Optional.of("not on the allow-list");
        });
        HostCommand.Stop stop = new HostCommand.Stop("cmd-9", 1, "host-1", "dep-9", "shop", Instant.now());
        AtomicInteger done = new AtomicInteger();
        worker.submit(stop, done::incrementAndGet);
        worker.submit(stop, done::incrementAndGet);

        await().atMost(WAIT).until(() -> done.get() == 2);
        assertEquals(2, producer.history().size());
        for (var record : producer.history()) {
            HostEvent.CommandFailed failed = (HostEvent.CommandFailed) record.value();
            assertEquals("cmd-9", failed.commandId());
            assertEquals("not on the allow-list", failed.reason());
        }
        assertEquals(1, asked.get(), "the second delivery was refused again instead of answered from the record");
        assertEquals(0, driver.stops.get());
        worker.shutdown(WAIT);
    }

    /** Runs v1 of shop until it is stopped. */
    private static final class CountingDriver implements HostDriver {
        final AtomicInteger stops = new AtomicInteger();
        volatile boolean running = true;

        @Override
        public String hostId() {
            return "host-1";
        }

        @Override
        public String kind() {
            return "counting";
        }

        @Override
        public Instance deploy(String service, String version, RunSpec run,
                               io.kanary.executor.driver.DeployContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RunningInstance> rollback(String service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<RunningInstance> stop(String service) {
            if (!running) {
                return Optional.empty();
            }
            running = false;
            stops.incrementAndGet();
            return Optional.of(new RunningInstance(service, "v1", new Instance("host-1/shop/v1/a", "http://x", "http://x/h")));
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
