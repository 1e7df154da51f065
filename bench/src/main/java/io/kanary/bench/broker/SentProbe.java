package io.kanary.bench.broker;

import io.kanary.schema.ProbeResult;
import java.util.concurrent.CompletableFuture;

/**
 * A probe the harness produced, with when: {@code sentNanos} is {@link System#nanoTime()} just
 * before {@code send()} was called, {@code ack} completes in the producer's callback once the
 * broker has acknowledged the record (acks=all).
 */
record SentProbe(ProbeResult probe, long sentNanos, CompletableFuture<Ack> ack) {

    /** @param nanos {@link System#nanoTime()} when the producer's callback ran; {@code offset} the record's */
    record Ack(long nanos, long offset) {
    }
}
