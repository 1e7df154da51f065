package io.kanary.executor.driver.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Container;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.LocalFreePorts;
import io.kanary.executor.driver.PortRange;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineFreePortsTest {
    private static final PortRange RANGE = new PortRange(20000, 20009);

    @Test
    void shouldPickTheLowestPortNoContainerOnTheEngineHolds() throws DriverException {
        EngineFreePorts ports = new EngineFreePorts(RANGE, () -> Set.of(20000, 20001, 20003), port -> false);

        assertEquals(20002, ports.pick(Set.of()));
    }

    @Test
    void shouldSkipPortsTheDriverKeepsAndPortsSomethingAnswersOn() throws DriverException {
        EngineFreePorts ports = new EngineFreePorts(RANGE, () -> Set.of(20000), port -> port == 20002);

        assertEquals(20003, ports.pick(Set.of(20001)));
    }

    @Test
    void shouldAskTheEngineAfreshForEveryPick() throws DriverException {
        Set<Integer> used = new java.util.HashSet<>(Set.of(20000));
        EngineFreePorts ports = new EngineFreePorts(RANGE, () -> Set.copyOf(used), port -> false);

        assertEquals(20001, ports.pick(Set.of()));
        used.add(20001);
        assertEquals(20002, ports.pick(Set.of()));
    }

    @Test
    void shouldNameTheSettingWhenTheRangeIsFull() {
        EngineFreePorts ports = new EngineFreePorts(new PortRange(20000, 20001), () -> Set.of(20000), port -> true);

        DriverException full = assertThrows(DriverException.class, () -> ports.pick(Set.of()));

        assertTrue(full.getMessage().contains("no port in 20000-20001"), full.getMessage());
        assertTrue(full.getMessage().contains("KANARY_DOCKER_PORT_RANGE"), full.getMessage());
    }

    @Test
    void shouldCountLabelledAndPublishedPortsOfEveryContainerAsUsed() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Container> containers = List.of(
                json.readValue("{\"Id\":\"a\",\"State\":\"exited\",\"Labels\":{\"kanary.port\":\"20004\"}}", Container.class),
                json.readValue("{\"Id\":\"b\",\"State\":\"running\",\"Labels\":{},\"Ports\":[{\"PrivatePort\":80,"
                        + "\"PublicPort\":20006,\"Type\":\"tcp\"},{\"PrivatePort\":81,\"Type\":\"tcp\"}]}", Container.class),
                json.readValue("{\"Id\":\"c\",\"State\":\"running\",\"Labels\":{\"kanary.port\":\"not-a-port\"}}",
                        Container.class));

        assertEquals(Set.of(20004, 20006), EngineFreePorts.usedBy(containers));
    }

    @Test
    void shouldUseThisMachinesPortsOnlyWhenTheEnginesContainersAreReachedOnLoopback() {
        assertTrue(EngineFreePorts.onThisMachine("127.0.0.1"));
        assertTrue(EngineFreePorts.onThisMachine("localhost"));
        assertTrue(EngineFreePorts.onThisMachine("[::1]"));
        assertFalse(EngineFreePorts.onThisMachine("10.0.0.7"));
        assertFalse(EngineFreePorts.onThisMachine("docker-2.example.org"));
        assertInstanceOf(LocalFreePorts.class, EngineFreePorts.forEngine(null, new EngineErrors("h"), "127.0.0.1", RANGE));
        assertInstanceOf(EngineFreePorts.class, EngineFreePorts.forEngine(null, new EngineErrors("h"), "10.0.0.7", RANGE));
    }
}
