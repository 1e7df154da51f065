package io.kanary.bench.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link AuditScaleRun} in a child JVM with a heap limit and reads its figures: the only
 * honest way to show what heap an audit needs is to give it no more.
 */
final class ChildAudit {
    private ChildAudit() {
    }

    /**
     * What one audit run measured.
     *
     * @param records             records the audit read (events, each id once, and undecodable records)
     * @param cpuMs               the child JVM's CPU time, start-up included, every thread (GC too)
     * @param heapAfterGcMaxBytes the most heap in use after any collection: an upper bound of what the audit kept
     *                            alive, as a young collection leaves the old generation's garbage
     * @param heapSampledMaxBytes the most heap in use at any 10 ms sample, garbage not yet collected included
     * @param heapPoolPeaksBytes  the heap pools' peaks summed: an upper bound, as the pools peak at different times
     * @param probes              the probes summed in the target deployment (or all deployments, for a full replay)
     */
    record Figures(int exitCode, long records, long wallMs, long cpuMs, long heapAfterGcMaxBytes, long heapSampledMaxBytes,
                   long heapPoolPeaksBytes,
                   boolean chains, long deployments, long probes, long problems, String errors) {
        boolean ok() {
            return exitCode == 0;
        }

        double recordsPerSecond() {
            return wallMs == 0 ? 0 : records * 1000.0 / wallMs;
        }
    }

    /**
     * @param what {@link AuditScaleRun#FULL} or a deployment id
     * @param heap the child's {@code -Xmx}, e.g. {@code 256m}
     */
    static Figures run(String bootstrap, String what, String heap, Duration timeout) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
                AuditScaleRun.class.getName(), bootstrap, what, String.valueOf(timeout.toSeconds()));
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String out = readAll(process.getInputStream());
        if (!process.waitFor(timeout.toSeconds() + 60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return parse(process.exitValue(), out, err.join());
    }

    static Figures parse(int exitCode, String out, String err) {
        Map<String, String> values = new HashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("records=")) {
                for (String pair : line.trim().split(" ")) {
                    String[] kv = pair.split("=", 2);
                    values.put(kv[0], kv[1]);
                }
            }
        }
        if (values.isEmpty()) {
            return new Figures(exitCode == 0 ? -1 : exitCode, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, err.strip());
        }
        return new Figures(exitCode, Long.parseLong(values.get("records")), Long.parseLong(values.get("wallMs")),
                Long.parseLong(values.get("cpuMs")), Long.parseLong(values.get("heapAfterGcMaxBytes")),
                Long.parseLong(values.get("heapSampledMaxBytes")), Long.parseLong(values.get("heapPoolPeaksBytes")),
                Boolean.parseBoolean(values.get("chains")), Long.parseLong(values.get("deployments")),
                Long.parseLong(values.get("probes")), Long.parseLong(values.get("problems")), err.strip());
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
