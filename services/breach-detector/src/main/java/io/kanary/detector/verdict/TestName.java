package io.kanary.detector.verdict;

import java.util.Arrays;
import java.util.Optional;

/** The sequential tests a breach may name, each with the words its {@code Breach.test} carries. */
public enum TestName {
    ERROR_RATE_LIMIT("mSPRT error rate > limit"),
    ERROR_RATE_BASELINE("mSPRT error rate vs baseline"),
    P99_LIMIT("p99 vs limit"),
    P99_BASELINE("p99 vs baseline");

    private final String label;

    TestName(String label) {
        this.label = label;
    }

    /** The words a breach carries in its {@code test} field. */
    public String label() {
        return label;
    }

    /** The test a breach names; empty for a breach judged otherwise (a plain threshold, another writer). */
    public static Optional<TestName> ofLabel(String label) {
        return Arrays.stream(values()).filter(name -> name.label.equals(label)).findFirst();
    }
}
