package io.kanary.bench.prometheus;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The binaries of Debian's prometheus package, for the tests that run them. Where one is missing a
 * test is skipped with the reason; with {@code CI} set it fails instead, since .ci/run installs the
 * package and a silent skip there would hide that those tests never ran.
 */
public final class PrometheusBinaries {
    static final String PROMETHEUS = "/usr/bin/prometheus";
    public static final String PROMTOOL = "/usr/bin/promtool";

    private PrometheusBinaries() {
    }

    /** {@code binary}, if it is there to run; otherwise the test is skipped, or fails in CI. */
    public static String require(String binary) {
        if (!Files.isExecutable(Path.of(binary))) {
            String why = binary + " is missing: install Debian's prometheus package (apt-get install prometheus)";
            if (System.getenv("CI") != null) {
                fail("Prometheus tests cannot run, and CI is set: " + why);
            }
            Assumptions.abort("Skipping: " + why);
        }
        return binary;
    }
}
