package io.kanary.bench.campaign;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One OS process of the campaign (a broker or a service), started from a fixed command line so
 * that it can be killed with SIGKILL and started again exactly as before. Its output goes to a log
 * file (appended across restarts); it is ready once it prints its ready line.
 */
final class ManagedProcess {
    private final String name;
    private final FaultKind kind;
    private final List<String> command;
    private final String readyLine;
    private final Path log;
    private Process process;
    private CompletableFuture<Long> ready = new CompletableFuture<>();
    private long startedAt;

    ManagedProcess(String name, FaultKind kind, List<String> command, String readyLine, Path log) {
        this.name = name;
        this.kind = kind;
        this.command = List.copyOf(command);
        this.readyLine = readyLine;
        this.log = log;
    }

    String name() {
        return name;
    }

    FaultKind kind() {
        return kind;
    }

    Path log() {
        return log;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Starts the process; {@link #awaitReady} tells when it printed its ready line. */
    synchronized void start() {
        if (alive()) {
            throw new IllegalStateException(name + " is already running");
        }
        ready = new CompletableFuture<>();
        startedAt = System.nanoTime();
        try {
            Files.writeString(log, "=== start " + java.time.Instant.now() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
        Process current = process;
        CompletableFuture<Long> readyNow = ready;
        long began = startedAt;
        Thread pump = new Thread(() -> pump(current, readyNow, began), "campaign-log-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(Process current, CompletableFuture<Long> readyNow, long began) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(current.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (!readyNow.isDone() && line.contains(readyLine)) {
                    readyNow.complete((System.nanoTime() - began) / 1_000_000);
                }
            }
        } catch (IOException e) {
            // the process died under us: its exit is what matters, and the wait below reports it
        }
        readyNow.completeExceptionally(new IllegalStateException(name + " exited before it was ready (see " + log + ")"));
    }

    /** Milliseconds from start to the ready line; fails if the process exits first or takes longer than {@code timeout}. */
    long awaitReady(Duration timeout) {
        CompletableFuture<Long> waiting;
        synchronized (this) {
            waiting = ready;
        }
        try {
            return waiting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s (see " + log + ")");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, as in a crash. */
    synchronized void kill9() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}: the end of the campaign. */
    synchronized void stop(Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
