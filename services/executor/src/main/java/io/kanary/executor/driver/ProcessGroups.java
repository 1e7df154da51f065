package io.kanary.executor.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts an instance as the leader of its own process group (and session) and stops the whole
 * group, so nothing an instance started outlives its stop or a rollback.
 *
 * <p>Java cannot call {@code setsid(2)} itself, so the argv is started through util-linux's
 * {@code setsid} program — an argv, never a shell. A child of the JVM is not a group leader, so
 * {@code setsid} does not fork: it makes the child the leader of a new group and executes the argv
 * in place, and the pid Java sees is the instance's pid and its group id. The group survives the
 * executor (its children are re-parented when the executor is killed), and its members are found
 * again in the process table by that group id. Without a {@code setsid} program the argv runs in
 * the executor's group and only the process and its descendants are stopped.
 */
public final class ProcessGroups {
    static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Path SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of)
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);

    private ProcessGroups() {
    }

    /** The argv that runs {@code argv} as the leader of a new process group. */
    public static List<String> inOwnGroup(List<String> argv) {
        if (SETSID == null) {
            return argv;
        }
        List<String> wrapped = new ArrayList<>(argv.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(argv);
        return wrapped;
    }

    /** Every running process of the group led by {@code leader}, and the leader's descendants. */
    static Set<Long> members(long leader) {
        Set<Long> members = new LinkedHashSet<>();
        long self = ProcessHandle.current().pid();
        boolean ownGroup = ProcessTable.stat(self).map(s -> s.processGroup() == leader).orElse(false);
        if (!ownGroup) {
            members.addAll(ProcessTable.group(leader));
        }
        if (ProcessTable.running(leader)) {
            members.add(leader);
        }
        ProcessHandle.of(leader).ifPresent(h -> h.descendants().forEach(d -> members.add(d.pid())));
        members.remove(self);
        return members;
    }

    /**
     * SIGTERM to every member of the group, then SIGKILL to whatever still runs once
     * {@code graceMs} have passed; members that appear meanwhile are signalled too.
     *
     * @return whether the group is gone
     */
    public static boolean stop(long leader, long graceMs) throws InterruptedException {
        Set<Long> signalled = new LinkedHashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (true) {
            Set<Long> members = members(leader);
            if (members.isEmpty()) {
                return true;
            }
            for (long pid : members) {
                if (signalled.add(pid)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
        long killDeadline = System.nanoTime() + KILL_WAIT.toNanos();
        while (true) {
            Set<Long> members = members(leader);
            if (members.isEmpty()) {
                return true;
            }
            members.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            if (System.nanoTime() - killDeadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
        }
    }
}
