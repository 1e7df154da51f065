package io.kanary.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process table, read from /proc as a person would with ps: the running processes (zombies
 * excluded) that an executor started for one journal, found by the markers in their environment.
 */
final class InstanceProcesses {
    private InstanceProcesses() {
    }

    /** One running process started for an instance (the instance itself or something it started). */
    record Proc(long pid, long processGroup, String instanceId) {
        boolean leadsItsGroup() {
            return pid == processGroup;
        }
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/environ"));
    }

    /** Every running process whose environment names {@code journal}. */
    static List<Proc> of(Path journal) {
        List<Proc> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : entries) {
                long pid = Long.parseLong(entry.getFileName().toString());
                Optional<String> marker = env(entry, "KANARY_EXECUTOR_JOURNAL");
                if (marker.isEmpty() || !marker.get().equals(journal.toString())) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(entry.resolve("stat"));
                } catch (IOException e) {
                    continue;
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (fields[0].equals("Z") || fields[0].equals("X")) {
                    continue;
                }
                found.add(new Proc(pid, Long.parseLong(fields[2]), env(entry, "KANARY_INSTANCE_ID").orElse("?")));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
        }
        return found;
    }

    /** The instances (process group leaders) running for {@code journal}. */
    static List<String> instances(Path journal) {
        return of(journal).stream().filter(Proc::leadsItsGroup).map(Proc::instanceId).sorted().toList();
    }

    /** Ends whatever still runs for {@code journal}: a test's own clean-up, after its assertions. */
    static void killAll(Path journal) {
        of(journal).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static Optional<String> env(Path proc, String name) {
        try {
            String prefix = name + "=";
            for (String e : new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8).split("\0")) {
                if (e.startsWith(prefix)) {
                    return Optional.of(e.substring(prefix.length()));
                }
            }
        } catch (IOException e) {
            // Gone or not readable.
        }
        return Optional.empty();
    }
}
