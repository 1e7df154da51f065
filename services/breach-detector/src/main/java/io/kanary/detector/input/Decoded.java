package io.kanary.detector.input;

/**
 * A record read from a topic: either the event, or the refusal that sends it to the topic's DLQ.
 * Exactly one of the two is set.
 */
public record Decoded<T>(T event, Refusal refusal) {

    public static <T> Decoded<T> of(T event) {
        return new Decoded<>(event, null);
    }

    public static <T> Decoded<T> refused(Refusal refusal) {
        return new Decoded<>(null, refusal);
    }

    public boolean isRefused() {
        return refusal != null;
    }
}
