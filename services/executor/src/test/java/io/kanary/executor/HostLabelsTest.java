package io.kanary.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** KANARY_HOST_LABELS: what every host of an executor says of itself, for requests' hostSelector. */
class HostLabelsTest {
    @Test
    void shouldReadLabelValuePairs() {
        ExecutorConfig config = ExecutorConfig.fromEnv(Map.of("KANARY_HOST_LABELS", "env=staging, zone = a"));

        assertEquals(Map.of("env", "staging", "zone", "a"), config.hostLabels());
    }

    @Test
    void shouldHaveNoLabelsByDefault() {
        assertEquals(Map.of(), ExecutorConfig.fromEnv(Map.of()).hostLabels());
    }

    @Test
    void shouldRefuseAPairWithoutAValueNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_HOST_LABELS", "env=staging,zone")));

        assertEquals("KANARY_HOST_LABELS must be label=value pairs separated by commas, e.g. env=staging,zone=a; "
                + "'zone' is not one", e.getMessage());
    }
}
