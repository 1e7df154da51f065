package io.kanary.executor;

import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor's meters: the commands it carried out by action and outcome, how long each took,
 * how many are being carried out now, and the host.commands records it dead-lettered.
 */
final class ExecutorMetrics {
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final String REFUSED = "refused";
    /** The name the executor's dead letters are counted under, whatever its consumer group. */
    static final String CONSUMER = "executor";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();

    ExecutorMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("kanary.executor.commands.in.flight", inFlight, AtomicInteger::get)
                .description("Host commands being carried out now")
                .register(registry);
    }

    /** A worker began carrying out a command. */
    void began() {
        inFlight.incrementAndGet();
    }

    /**
     * A worker is done with a command.
     *
     * @param outcome {@link #SUCCEEDED}, {@link #FAILED} or {@link #REFUSED}; null when nothing was carried out
     *                (a command delivered again is answered from the record, and not counted twice)
     */
    void finished(HostCommand command, String outcome, Duration took) {
        inFlight.decrementAndGet();
        if (outcome == null) {
            return;
        }
        String action = action(command);
        Counter.builder("kanary.executor.commands")
                .description("Host commands carried out, by action and outcome")
                .tags("action", action, "outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder("kanary.executor.command")
                .description("How long carrying out a host command took, by action and outcome")
                .tags("action", action, "outcome", outcome)
                .register(registry)
                .record(took);
    }

    /** A record of {@code topic} went to its DLQ. */
    void deadLettered(String topic) {
        Counter.builder("kanary.dlq.records")
                .description("Records sent to a dead-letter topic, by the topic they came from and who refused them")
                .tags("topic", topic, "consumer", CONSUMER)
                .register(registry)
                .increment();
    }

    /** {@code host.command.run-hook} → {@code run_hook}: the command's type, lower-case, as a label. */
    static String action(HostCommand command) {
        return command.typeName().substring("host.command.".length()).replace('-', '_').toLowerCase(Locale.ROOT);
    }

    /** What the event concluding a command says of it. */
    static String outcomeOf(HostEvent.InstanceEvent conclusion) {
        if (conclusion instanceof HostEvent.CommandFailed) {
            return FAILED;
        }
        if (conclusion instanceof HostEvent.HookFinished hook) {
            return hook.ok() ? SUCCEEDED : FAILED;
        }
        return SUCCEEDED;
    }
}
