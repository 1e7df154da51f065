package io.kanary.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.executor.driver.DockerSettings;
import io.kanary.executor.driver.PullPolicy;
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
    void shouldReadTheHeartbeatIntervalAndRefuseOneThatIsNotANumber() {
        assertEquals(Duration.ofSeconds(5), ExecutorConfig.fromEnv(Map.of()).heartbeatInterval());
        assertEquals(Duration.ofMillis(750),
                ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_HEARTBEAT_MS", "750")).heartbeatInterval());
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_HEARTBEAT_MS", "2s")));
        assertEquals("KANARY_EXECUTOR_HEARTBEAT_MS must be a whole number of milliseconds, was '2s'",
                notANumber.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_HEARTBEAT_MS", "0")));
        assertEquals("KANARY_EXECUTOR_HEARTBEAT_MS must be at least 1, was 0", zero.getMessage());
    }

    @Test
    void shouldRefuseAnUnsupportedDriverAndARepeatedHost() {
        IllegalArgumentException driver = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_DRIVER", "kubernetes")));
        assertTrue(driver.getMessage().contains("KANARY_EXECUTOR_DRIVER 'kubernetes'"), driver.getMessage());
        IllegalArgumentException hosts = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_HOSTS", "host-1,host-1")));
        assertTrue(hosts.getMessage().contains("twice"), hosts.getMessage());
    }

    @Test
    void shouldReadTheDockerHostsAndSettings() {
        ExecutorConfig config = ExecutorConfig.fromEnv(Map.of(
                "KANARY_EXECUTOR_DRIVER", "docker",
                "KANARY_DOCKER_HOSTS", "host-1=unix:///tmp/a/docker.sock, host-2=tcp://10.0.0.7:2376",
                "KANARY_DOCKER_PULL_POLICY", "never",
                "KANARY_DOCKER_KEEP_REVISIONS", "3",
                "DOCKER_CERT_PATH", "/etc/docker/certs",
                "DOCKER_TLS_VERIFY", "1"));
        assertEquals("docker", config.driver());
        assertEquals(List.of("host-1", "host-2"), config.hostIds());
        assertEquals("tcp://10.0.0.7:2376", config.docker().endpoints().get("host-2"));
        assertEquals(PullPolicy.NEVER, config.docker().pullPolicy());
        assertEquals(3, config.docker().keepRevisions());
        assertEquals(Path.of("/etc/docker/certs"), config.docker().tlsCertPath());
        assertTrue(config.docker().tlsVerify());
        assertEquals("127.0.0.1", DockerSettings.hostAddress("unix:///tmp/a/docker.sock"));
        assertEquals("10.0.0.7", DockerSettings.hostAddress("tcp://10.0.0.7:2376"));
        assertEquals(PullPolicy.IF_NOT_PRESENT, ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_DRIVER", "docker",
                "KANARY_DOCKER_HOSTS", "host-1=unix:///a.sock")).docker().pullPolicy());
    }

    @Test
    void shouldRefuseADockerHostWithoutEndpointAndABadPullPolicy() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_DRIVER", "docker",
                        "KANARY_EXECUTOR_HOSTS", "host-1,host-3", "KANARY_DOCKER_HOSTS", "host-1=unix:///a.sock")));
        assertTrue(missing.getMessage().contains("[host-3]"), missing.getMessage());
        IllegalArgumentException pull = assertThrows(IllegalArgumentException.class,
                () -> ExecutorConfig.fromEnv(Map.of("KANARY_EXECUTOR_DRIVER", "docker",
                        "KANARY_DOCKER_HOSTS", "host-1=unix:///a.sock", "KANARY_DOCKER_PULL_POLICY", "sometimes")));
        assertTrue(pull.getMessage().contains("if-not-present"), pull.getMessage());
    }
}
