package io.kanary.executor.driver;

import io.kanary.executor.driver.HostJournal.Action;
import io.kanary.executor.driver.HostJournal.Entry;
import io.kanary.executor.driver.HostJournal.ServiceState;
import io.kanary.executor.driver.ProcessDriver.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process driver does at start, from its host's journal, before it takes any command: sees
 * each half-done action through (or gives it up), adopts the instances the journal says run (same
 * pid and process start time, or the instance's own marker, so a recycled pid is never adopted),
 * reports those that died while no executor watched, and stops every process carrying the
 * journal's marker that is no instance it runs.
 */
final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    /** Carries a service's recorded action from its recorded phase to its end, as a live command would. */
    @FunctionalInterface
    interface Actions {
        Outcome advance(String service) throws DriverException;
    }

    private final String hostId;
    private final HostJournal journal;
    private final OwnedProcesses processes;
    private final Actions actions;

    JournalRecovery(String hostId, HostJournal journal, OwnedProcesses processes, Actions actions) {
        this.hostId = hostId;
        this.journal = journal;
        this.processes = processes;
        this.actions = actions;
    }

    /** @return what was found and done, for the executor to report as host events */
    List<Recovery> run() throws InterruptedException {
        List<Recovery> recoveries = new ArrayList<>();
        Map<String, ServiceState> services = journal.services();
        for (Map.Entry<String, ServiceState> entry : services.entrySet()) {
            String service = entry.getKey();
            Action action = entry.getValue().action();
            if (action != null) {
                recoveries.add(seeThrough(service, action));
            }
            Entry current = journal.service(service).current();
            if (current != null) {
                if (processes.isOurs(current)) {
                    LOG.info("Adopted {} (pid {}) on {}", current.instanceId(), current.pid(), hostId);
                } else {
                    LOG.warn("{} stopped while no executor watched it", current.instanceId());
                    processes.stop(current);
                    try {
                        journal.put(service, journal.service(service).withCurrent(null));
                    } catch (DriverException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                    recoveries.add(new Recovery(Recovery.Kind.EXITED, current.commandId(), current.deploymentId(),
                            service, current.version(), ProcessDriver.running(current), null, null));
                }
            }
        }
        processes.stopUnmanaged(journal.services().values().stream()
                .map(ServiceState::current)
                .filter(Objects::nonNull)
                .map(Entry::instanceId)
                .collect(Collectors.toSet()), hostId);
        return recoveries;
    }

    private Recovery seeThrough(String service, Action action) {
        LOG.info("Seeing through the {} of {} {} (command {}) that the last executor of {} left {}", action.kind(),
                service, action.version(), action.commandId(), hostId, action.phase());
        try {
            Outcome outcome = actions.advance(service);
            Recovery.Kind kind = switch (action.kind()) {
                case ProcessDriver.DEPLOY -> Recovery.Kind.DEPLOYED;
                case ProcessDriver.ROLLBACK -> Recovery.Kind.ROLLED_BACK;
                default -> Recovery.Kind.STOPPED;
            };
            String version = outcome.now() != null ? outcome.now().version() : action.version();
            return new Recovery(kind, action.commandId(), action.deploymentId(), service, version,
                    outcome.stopped() == null ? null : ProcessDriver.running(outcome.stopped()),
                    outcome.now() == null ? null : ProcessDriver.running(outcome.now()), null);
        } catch (DriverException e) {
            // A failed deploy stopped nothing; a failed rollback stopped what it rolled back.
            Entry stopped = ProcessDriver.DEPLOY.equals(action.kind()) ? null : action.stopping();
            return new Recovery(Recovery.Kind.FAILED, action.commandId(), action.deploymentId(), service,
                    action.version(), stopped == null ? null : ProcessDriver.running(stopped), null, e.getMessage());
        }
    }
}
