package io.kanary.bench.scaleout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory as Linux reports it: the VmRSS line of /proc/PID/status. */
public final class ProcRss {
    private ProcRss() {
    }

    /** VmRSS in KiB, or -1 when the process is gone or the system has no /proc. */
    public static long ofPid(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
