package io.kanary.bench.infra;

import io.kanary.bench.prometheus.PrometheusBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code promtool} on files (an argv list, never a shell) and keeps what it printed, so
 * a failing test shows promtool's own explanation. Skips the test without the binary, or fails it in CI.
 */
final class Promtool {
    private static final long TIMEOUT_SECONDS = 120;

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final String binary;

    private Promtool(String binary) {
        this.binary = binary;
    }

    static Promtool require() {
        return new Promtool(PrometheusBinaries.require(PrometheusBinaries.PROMTOOL));
    }

    /** {@code promtool check config <file>}: the configuration and the rule files it names. */
    Result checkConfig(Path prometheusYml) {
        return run("check", "config", prometheusYml.toString());
    }

    /** {@code promtool check rules <files>}. */
    Result checkRules(Path... ruleFiles) {
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        for (Path file : ruleFiles) {
            args.add(file.toString());
        }
        return run(args.toArray(String[]::new));
    }

    /** {@code promtool test rules <file>}: the unit tests, run where the file is (its rule_files are relative). */
    Result testRules(Path testFile) {
        return run("test", "rules", testFile.toString());
    }

    private Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            // promtool prints little; read to the end before waiting, so a full pipe never blocks it.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
