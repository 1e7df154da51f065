package io.kanary.executor.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PortRangeTest {

    @Test
    void shouldReadARangeFromTheSetting() {
        DockerSettings settings = DockerSettings.fromEnv(Map.of("KANARY_DOCKER_HOSTS", "host-1=tcp://10.0.0.7:2375",
                "KANARY_DOCKER_PORT_RANGE", "21000-21099"));

        assertEquals(new PortRange(21000, 21099), settings.remotePorts());
    }

    @Test
    void shouldDefaultBelowTheEphemeralPorts() {
        assertEquals(new PortRange(20000, 32767), DockerSettings.fromEnv(Map.of()).remotePorts());
    }

    @Test
    void shouldNameTheSettingAndTheFormWhenTheRangeIsUnreadable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DockerSettings.fromEnv(Map.of("KANARY_DOCKER_PORT_RANGE", "21000")));

        assertEquals("KANARY_DOCKER_PORT_RANGE must look like 20000-32767 (first-last, within 1-65535), was '21000'",
                e.getMessage());
    }

    @Test
    void shouldRefuseARangeThatRunsBackwards() {
        assertThrows(IllegalArgumentException.class, () -> PortRange.parse("KANARY_DOCKER_PORT_RANGE", "30000-20000"));
    }
}
