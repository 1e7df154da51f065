package io.kanary.detector.verdict;

import java.util.Arrays;
import java.util.Optional;

/** The sequential tests a breach may name, each with the words its {@code Breach.test} carries. */
public enum TestName {
    ERROR_RATE_LIMIT("mSPRT error rate > limit", "error_rate_vs_limit"),
    ERROR_RATE_BASELINE("mSPRT error rate vs baseline", "error_rate_vs_baseline"),
    P99_LIMIT("p99 vs limit", "p99_vs_limit"),
    P99_BASELINE("p99 vs baseline", "p99_vs_baseline"),
    MEDIAN_BASELINE("median vs baseline", "median_vs_baseline");

    private final String label;
    private final String metricTag;

    TestName(String label, String metricTag) {
        this.label = label;
        this.metricTag = metricTag;
    }

    /**
     * The value of the {@code test} label on the detector's meters: lower-case and stable, named like
     * the class that runs the test, so alert rules and dashboards can match it literally.
     */
    public String metricTag() {
        return metricTag;
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
