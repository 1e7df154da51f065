package io.kanary.executor.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the OS process table says, read from Linux's {@code /proc}: whether a process still runs (a
 * zombie does not), its process group, its environment. Where there is no {@code /proc}, it falls
 * back to {@link ProcessHandle}, which knows liveness only.
 */
final class ProcessTable {
    private static final Path PROC = Path.of("/proc");

    private ProcessTable() {
    }

    /** The fields of {@code /proc/<pid>/stat} kanary needs. */
    record Stat(char state, long processGroup) {
        boolean running() {
            // Z: exited, not yet reaped by its parent (after adoption that parent is init); X: dead.
            return state != 'Z' && state != 'X';
        }
    }

    static boolean hasProc() {
        return Files.isReadable(PROC.resolve("self").resolve("stat"));
    }

    static Optional<Stat> stat(long pid) {
        try {
            String line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            // The command name in parentheses may itself hold spaces and parentheses.
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[2])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code pid} runs: exists and is not a zombie. */
    static boolean running(long pid) {
        if (!hasProc()) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        return stat(pid).map(Stat::running).orElse(false);
    }

    /** The running members of process group {@code pgid}. */
    static List<Long> group(long pgid) {
        if (!hasProc()) {
            return running(pgid) ? List.of(pgid) : List.of();
        }
        List<Long> members = new ArrayList<>();
        for (long pid : pids()) {
            stat(pid).filter(s -> s.processGroup() == pgid && s.running()).ifPresent(s -> members.add(pid));
        }
        return members;
    }

    /** The value of {@code name} in the environment {@code pid} started with, if it can be read. */
    static Optional<String> env(long pid, String name) {
        try {
            byte[] environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            String prefix = name + "=";
            for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
                if (entry.startsWith(prefix)) {
                    return Optional.of(entry.substring(prefix.length()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone, or another user's: not ours either way.
        }
        return Optional.empty();
    }

    /** Running processes whose environment has {@code name=value}. */
    static List<Long> withEnv(String name, String value) {
        List<Long> found = new ArrayList<>();
        for (long pid : pids()) {
            if (running(pid) && env(pid, name).filter(value::equals).isPresent()) {
                found.add(pid);
            }
        }
        return found;
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        if (!hasProc()) {
            return pids;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                try {
                    pids.add(Long.parseLong(entry.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // Not a process.
                }
            }
        } catch (IOException e) {
            // An unreadable /proc: nothing can be found there.
        }
        return pids;
    }
}
