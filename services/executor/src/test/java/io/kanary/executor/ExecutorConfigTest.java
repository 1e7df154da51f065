package io.kanary.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutorConfigTest {

    @Test
    void shouldReadHostsDeadlineAndGroupFromTheEnvironment() {
        ExecutorConfig config = ExecutorConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "KANARY_EXECUTOR_ID", "rack-a",
                "KANARY_EXECUTOR_HOSTS", "host-1, host-2",
                "KANARY_EXECUTOR_LOG_DIR", "/var/log/kanary",
                "KANARY_EXECUTOR_START_DEADLINE_SECONDS", "45"));
        assertEquals("broker:9092", config.kafka().get("bootstrap.servers"));
        assertEquals(List.of("host-1", "host-2"), config.hostIds());
        assertEquals(Path.of("/var/log/kanary"), config.logDir());
        assertEquals(Duration.ofSeconds(45), config.startDeadline());
        assertEquals("kanary-executor-rack-a", config.groupId());
        assertEquals("process", config.driver());
    }

    @Test
    void shouldRefuseAnUnsupportedDriverAndARepeatedHost() {
        IllegalArgumentException driver = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_DRIVER", "docker")));
        assertTrue(driver.getMessage().contains("KANARY_EXECUTOR_DRIVER 'docker'"), driver.getMessage());
        IllegalArgumentException hosts = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_HOSTS", "host-1,host-1")));
        assertTrue(hosts.getMessage().contains("twice"), hosts.getMessage());
    }
}
