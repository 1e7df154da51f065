package io.kanary.executor;

import io.kanary.executor.driver.Executables;
import io.kanary.executor.driver.ProcessGroups;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one argv to its end on this host, never through a shell: as the leader of its own process
 * group (through util-linux's {@code setsid}, as the process driver starts instances), with its
 * stdout and stderr written to a file, and its whole group killed when it outlives its timeout, so
 * nothing it started keeps running. Used for hooks and command health checks.
 */
final class OwnGroupProcess {
    /** What a finished run leaves: the exit code (null when it never ran to an exit) and the end of its output. */
    record Result(Integer exitCode, boolean timedOut, String outputTail, long elapsedMs, String failure) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(OwnGroupProcess.class);
    /** The executor's variables a hook or check sees; nothing else of the executor's (credentials) leaks to it. */
    private static final Set<String> INHERITED_ENV = Set.of("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR");
    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private OwnGroupProcess() {
    }

    /**
     * Runs {@code argv} with {@code env} added to the inherited basics, writing its output to
     * {@code output} (replaced), and returns once it exited or was killed at {@code timeout}.
     *
     * @param tailBytes how much of the output's end the result keeps
     */
    static Result run(List<String> argv, Map<String, String> env, Path output, Duration timeout, int tailBytes)
            throws InterruptedException {
        Map<String, String> environment = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (INHERITED_ENV.contains(name)) {
                environment.put(name, value);
            }
        });
        environment.putAll(env);
        long began = System.nanoTime();
        if (!Executables.isExecutable(argv.get(0), environment.get("PATH"))) {
            return new Result(null, false, null, 0, "cannot start " + argv.get(0)
                    + ": no such file or not executable (looked up on PATH " + environment.get("PATH") + ")");
        }
        ProcessBuilder builder = new ProcessBuilder(ProcessGroups.inOwnGroup(argv))
                .redirectErrorStream(true)
                .redirectInput(Redirect.from(new File("/dev/null")))
                .redirectOutput(Redirect.to(output.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            Files.createDirectories(output.toAbsolutePath().getParent());
            process = builder.start();
        } catch (IOException e) {
            return new Result(null, false, null, elapsed(began), "cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killGroup(process);
            throw e;
        }
        if (!exited) {
            killGroup(process);
            process.waitFor(AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
        }
        return new Result(exited ? process.exitValue() : null, !exited, tail(output, tailBytes), elapsed(began), null);
    }

    /** SIGKILL (after a SIGTERM with no grace) to the process's group and whatever descends from it. */
    private static void killGroup(Process process) {
        try {
            if (!ProcessGroups.stop(process.pid(), 0)) {
                LOG.warn("Process group {} still runs after SIGKILL", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }

    /** The last {@code bytes} bytes of {@code file} as text (a character cut in half is replaced), or null if unreadable. */
    static String tail(Path file, int bytes) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - bytes);
            byte[] buffer = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(buffer);
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(buffer)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static long elapsed(long began) {
        return Math.max(0, (System.nanoTime() - began) / 1_000_000);
    }
}
