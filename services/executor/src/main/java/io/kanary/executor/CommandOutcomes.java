package io.kanary.executor;

import io.kanary.kafka.EventReader;
import io.kanary.kafka.TopicReplay;
import io.kanary.kafka.Topics;
import io.kanary.schema.HostCommand;
import io.kanary.schema.HostEvent;
import io.kanary.schema.HostEvent.CommandFailed;
import io.kanary.schema.HostEvent.HookFinished;
import io.kanary.schema.HostEvent.HookStarted;
import io.kanary.schema.HostEvent.InstanceEvent;
import io.kanary.schema.HostEvent.RolledBack;
import io.kanary.schema.HostEvent.Started;
import io.kanary.schema.HostEvent.Starting;
import io.kanary.schema.HostEvent.Stopped;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's idempotency record: for the most recent command ids, the last event each caused on
 * host.events. Rebuilt from host.events at start, so a command delivered again after a restart is
 * reported and not acted on twice.
 *
 * <p>Bounded: only the latest {@link #DEFAULT_CAPACITY} commands are kept. A command is delivered
 * again only while its offset is uncommitted, i.e. among the latest few; an older one read again
 * (its group's offsets were lost) is still not acted on twice, because the drivers know which
 * command started what runs and the rollback compares versions.
 */
final class CommandOutcomes {
    static final int DEFAULT_CAPACITY = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(CommandOutcomes.class);
    private static final EventReader<HostEvent> READER = EventReader.of(Topics.HOST_EVENTS);

    private final Map<String, InstanceEvent> lastEventByCommand;
    private final Set<String> started;

    CommandOutcomes() {
        this(DEFAULT_CAPACITY);
    }

    CommandOutcomes(int capacity) {
        this.lastEventByCommand = Collections.synchronizedMap(new Bounded<>(capacity));
        this.started = Collections.newSetFromMap(Collections.synchronizedMap(new Bounded<>(capacity)));
    }

    /** Forgets the command recorded first once {@code capacity} are held. */
    private static final class Bounded<K, V> extends LinkedHashMap<K, V> {
        private final int capacity;

        Bounded(int capacity) {
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > capacity;
        }
    }

    /** Reads host.events from offset 0 to its end and keeps the events of {@code hostIds}. */
    static CommandOutcomes rebuild(Map<String, Object> kafka, Set<String> hostIds, Duration wait) {
        CommandOutcomes outcomes = new CommandOutcomes();
        TopicReplay.readToEnd(kafka, Topics.HOST_EVENTS, wait, record -> outcomes.replay(record, hostIds));
        LOG.info("Rebuilt the outcomes of {} commands from {}", outcomes.lastEventByCommand.size(),
                Topics.HOST_EVENTS.name());
        return outcomes;
    }

    private void replay(ConsumerRecord<byte[], byte[]> record, Set<String> hostIds) {
        EventReader.Outcome<HostEvent> read = READER.read(record);
        if (read.isRefused()) {
            // Not ours to dead-letter: host.events' readers do that. It cannot be one of our outcomes.
            LOG.debug("Skipping unreadable {} record at offset {}: {}", record.topic(), record.offset(), read.refusal());
        } else if (read.event() instanceof InstanceEvent instanceEvent && hostIds.contains(instanceEvent.hostId())
                && instanceEvent.commandId() != null) {
            record(instanceEvent);
        }
    }

    void record(InstanceEvent event) {
        if (event instanceof Starting) {
            started.add(event.commandId());
        }
        // An instance a deploy or rollback started may be reported stopped later under the same
        // command (it exited while no executor watched): that does not undo the command's outcome.
        lastEventByCommand.merge(event.commandId(), event, (recorded, next) ->
                next instanceof Stopped && isConclusionOfStart(recorded) ? recorded : next);
    }

    private static boolean isConclusionOfStart(InstanceEvent event) {
        return event instanceof Started || event instanceof RolledBack || event instanceof CommandFailed;
    }

    /** Whether a {@code host.instance.starting} was already reported for the command. */
    boolean reportedStarting(String commandId) {
        return started.contains(commandId);
    }

    /** Whether the command's concluding event is already on host.events, whatever the command's kind. */
    boolean isConcluded(String commandId, Class<? extends InstanceEvent> conclusion) {
        InstanceEvent last = lastEventByCommand.get(commandId);
        return conclusion.isInstance(last) || last instanceof CommandFailed;
    }

    /**
     * The event that concluded {@code command}, if it was carried out to the end. A command whose
     * last event is not its conclusion (the executor stopped half-way) is to be carried out again.
     */
    Optional<InstanceEvent> outcomeOf(HostCommand command) {
        InstanceEvent last = lastEventByCommand.get(command.eventId());
        boolean concluded = last instanceof CommandFailed
                || (command instanceof HostCommand.Deploy && last instanceof Started)
                || (command instanceof HostCommand.Rollback && last instanceof RolledBack)
                || (command instanceof HostCommand.Stop && last instanceof Stopped)
                || (command instanceof HostCommand.RunHook && last instanceof HookFinished);
        return concluded ? Optional.of(last) : Optional.empty();
    }

    /** The last event {@code commandId} caused on host.events, concluded or not. */
    Optional<InstanceEvent> lastEventOf(String commandId) {
        return Optional.ofNullable(lastEventByCommand.get(commandId));
    }

    /** The same event under a new event id, for reporting a recorded outcome again. */
    static InstanceEvent withEventId(InstanceEvent e, String eventId) {
        if (e instanceof Starting s) {
            return new Starting(eventId, s.schemaVersion(), s.hostId(), s.commandId(), s.deploymentId(), s.service(),
                    s.version(), s.at());
        } else if (e instanceof Started s) {
            return new Started(eventId, s.schemaVersion(), s.hostId(), s.commandId(), s.deploymentId(), s.service(),
                    s.version(), s.instance(), s.at());
        } else if (e instanceof Stopped s) {
            return new Stopped(eventId, s.schemaVersion(), s.hostId(), s.commandId(), s.deploymentId(), s.service(),
                    s.version(), s.instanceId(), s.at());
        } else if (e instanceof CommandFailed f) {
            return new CommandFailed(eventId, f.schemaVersion(), f.hostId(), f.commandId(), f.deploymentId(),
                    f.service(), f.version(), f.reason(), f.at());
        } else if (e instanceof RolledBack r) {
            return new RolledBack(eventId, r.schemaVersion(), r.hostId(), r.commandId(), r.deploymentId(),
                    r.service(), r.version(), r.instance(), r.at());
        } else if (e instanceof HookStarted h) {
            return new HookStarted(eventId, h.schemaVersion(), h.hostId(), h.commandId(), h.deploymentId(), h.service(),
                    h.hook(), h.at());
        } else if (e instanceof HookFinished h) {
            return new HookFinished(eventId, h.schemaVersion(), h.hostId(), h.commandId(), h.deploymentId(),
                    h.service(), h.hook(), h.ok(), h.exitCode(), h.timedOut(), h.outputTail(), h.reason(), h.at());
        }
        throw new IllegalArgumentException("unknown instance event " + e.getClass().getName());
    }
}
