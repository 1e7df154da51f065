package io.kanary.detector.verdict;

/** The CloudEvents source of everything the breach-detector writes. */
public final class BreachSource {
    public static final String NAME = "/kanary/breach-detector";

    private BreachSource() {
    }
}
