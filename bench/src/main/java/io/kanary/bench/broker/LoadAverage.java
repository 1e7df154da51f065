package io.kanary.bench.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The machine's load average as {@code uptime} prints it (1, 5 and 15 minutes), for the figures' context. */
final class LoadAverage {
    private static final String LABEL = "load average: ";

    private LoadAverage() {
    }

    static String now() {
        try {
            Process uptime = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(uptime.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            uptime.waitFor(5, TimeUnit.SECONDS);
            int at = out.indexOf(LABEL);
            if (at >= 0) {
                return out.substring(at + LABEL.length());
            }
        } catch (IOException e) {
            // no uptime here: the kernel's own figures below are what it prints
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }
}
