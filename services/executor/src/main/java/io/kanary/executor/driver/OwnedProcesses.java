package io.kanary.executor.driver;

import io.kanary.executor.driver.HostJournal.Entry;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OS processes of the instances one host journal owns. Each leads its own process group
 * ({@link ProcessGroups}) and carries the journal's and its instance's markers in its environment,
 * so it is recognised by pid and start time, or by marker, and a recycled pid is never signalled.
 */
final class OwnedProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedProcesses.class);

    private final String journalFile;
    /** The processes this driver started, by instance id: they give exit codes; adopted ones do not. */
    private final Map<String, Process> children = new ConcurrentHashMap<>();

    OwnedProcesses(String journalFile) {
        this.journalFile = journalFile;
    }

    /** Records a process this driver started; returns its entry with pid and start time. */
    Entry started(Entry entry, Process process) {
        children.put(entry.instanceId(), process);
        return entry.withProcess(process.pid(), startInstant(process.pid()));
    }

    /** The process this driver started for the instance, if it did (one adopted after a restart has none). */
    Optional<Process> child(String instanceId) {
        return Optional.ofNullable(children.get(instanceId));
    }

    /** Whether the entry's process runs and is the one recorded, not a process that reused its pid. */
    boolean isOurs(Entry entry) {
        if (entry == null || entry.pid() == null || !ProcessTable.running(entry.pid())) {
            return false;
        }
        Instant started = startInstant(entry.pid());
        if (started != null && started.equals(entry.processStart())) {
            return true;
        }
        return ProcessTable.env(entry.pid(), ProcessDriver.INSTANCE_ENV).filter(entry.instanceId()::equals).isPresent();
    }

    /** The instance's process found by its marker: started, but its pid was never recorded. */
    Optional<Entry> findByMarker(Entry entry) {
        return marked(entry.instanceId()).stream()
                // The leader of the instance's group; its children carry the marker too.
                .filter(pid -> ProcessTable.stat(pid).map(s -> s.processGroup() == pid).orElse(true))
                .findFirst()
                .map(pid -> entry.withProcess(pid, startInstant(pid)));
    }

    /**
     * Stops the entry's whole process group (SIGTERM, SIGKILL after its grace), and any process
     * still carrying its marker; a recycled pid is never signalled.
     */
    void stop(Entry entry) {
        if (entry == null) {
            return;
        }
        Set<Long> leaders = new LinkedHashSet<>();
        if (isOurs(entry)) {
            leaders.add(entry.pid());
        }
        // The leader may be gone while processes it started run on.
        leaders.addAll(marked(entry.instanceId()));
        boolean interrupted = Thread.interrupted();
        for (long leader : leaders) {
            try {
                if (!interrupted) {
                    if (!ProcessGroups.stop(leader, entry.run().stopGraceMs())) {
                        LOG.error("{} (pid {}) did not stop even when killed", entry.instanceId(), leader);
                    }
                    continue;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            // Interrupted: no waiting, kill at once.
            killNow(leader);
        }
        Process child = children.remove(entry.instanceId());
        if (child != null && !interrupted) {
            // Reaped, not just exited: to the JVM and to ps it is gone once this returns.
            try {
                child.waitFor(ProcessGroups.KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Stopped {}", entry.instanceId());
    }

    /**
     * Stops every process of the journal at once: SIGTERM to every group, then each is killed when
     * the longest grace of {@code entries} runs out; waits until this driver's children are reaped.
     */
    void stopAll(Collection<Entry> entries) {
        Set<Long> leaders = new LinkedHashSet<>();
        entries.stream().filter(this::isOurs).forEach(e -> leaders.add(e.pid()));
        leaders.addAll(ProcessTable.withEnv(ProcessDriver.JOURNAL_ENV, journalFile));
        leaders.forEach(leader -> ProcessGroups.members(leader)
                .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy)));
        long grace = entries.stream().mapToLong(e -> e.run().stopGraceMs()).max().orElse(RunSpec.DEFAULT_STOP_GRACE_MS);
        try {
            for (long leader : leaders) {
                ProcessGroups.stop(leader, grace);
            }
        } catch (InterruptedException e) {
            leaders.forEach(OwnedProcesses::killNow);
            Thread.currentThread().interrupt();
        }
        for (Process child : children.values()) {
            try {
                child.waitFor(ProcessGroups.KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        children.clear();
    }

    /** Stops every process that carries the journal's marker but is none of the {@code managed} instances. */
    void stopUnmanaged(Set<String> managed, String hostId) throws InterruptedException {
        for (long pid : ProcessTable.withEnv(ProcessDriver.JOURNAL_ENV, journalFile)) {
            String instanceId = ProcessTable.env(pid, ProcessDriver.INSTANCE_ENV).orElse("?");
            if (!managed.contains(instanceId)) {
                LOG.warn("Stopping pid {} ({}): it was started for {} but is no instance the journal runs", pid,
                        instanceId, hostId);
                ProcessGroups.stop(pid, RunSpec.DEFAULT_STOP_GRACE_MS);
            }
        }
    }

    /** The processes carrying both this journal's and the instance's marker. */
    private Set<Long> marked(String instanceId) {
        Set<Long> found = new LinkedHashSet<>();
        ProcessTable.withEnv(ProcessDriver.INSTANCE_ENV, instanceId).stream()
                .filter(pid -> ProcessTable.env(pid, ProcessDriver.JOURNAL_ENV).filter(journalFile::equals).isPresent())
                .forEach(found::add);
        return found;
    }

    private static void killNow(long leader) {
        ProcessGroups.members(leader).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static Instant startInstant(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElse(null);
    }
}
