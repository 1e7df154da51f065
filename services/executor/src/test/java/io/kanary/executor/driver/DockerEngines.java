package io.kanary.executor.driver;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engines tests run against: {@code KANARY_DOCKER_HOSTS} as printed by
 * {@code infra/docker/start-engines.sh}. Where it is unset or an engine does not answer, Docker
 * tests are skipped, except when env {@code CI} is set: then they fail, so CI cannot pass without them.
 */
public final class DockerEngines {
    public static final Path BUSYBOX = DemoImages.DEFAULT_BUSYBOX;
    private static final DockerSettings SETTINGS = new DockerSettings(Map.of(), null, false, PullPolicy.IF_NOT_PRESENT,
            2, Duration.ofSeconds(60), false);

    private DockerEngines() {
    }

    /** Host id → endpoint of engines that answer a ping, at least {@code needed} of them. */
    public static Map<String, String> require(int needed) {
        String hosts = System.getenv("KANARY_DOCKER_HOSTS");
        if (hosts == null || hosts.isBlank()) {
            skipOrFail("KANARY_DOCKER_HOSTS is not set; run infra/docker/start-engines.sh and export its last line");
        }
        Map<String, String> endpoints = DockerSettings.parseHosts(hosts);
        if (endpoints.size() < needed) {
            skipOrFail("KANARY_DOCKER_HOSTS names " + endpoints.size() + " engine(s), these tests need " + needed);
        }
        endpoints.forEach((host, endpoint) -> {
            try (DockerClient client = client(endpoint)) {
                client.pingCmd().exec();
            } catch (IOException | RuntimeException e) {
                skipOrFail("the Docker engine of " + host + " at " + endpoint + " does not answer: " + e.getMessage());
            }
        });
        if (!Files.isRegularFile(BUSYBOX)) {
            skipOrFail(BUSYBOX + " is missing: apt-get install busybox-static");
        }
        return endpoints;
    }

    public static DockerClient client(String endpoint) {
        return SETTINGS.client(endpoint);
    }

    /** Removes every container, running or not, that carries {@code label=value}. */
    public static void removeContainers(DockerClient docker, String label, String value) {
        for (Container container : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(label, value)).exec()) {
            docker.removeContainerCmd(container.getId()).withForce(true).exec();
        }
    }

    private static void skipOrFail(String why) {
        if (System.getenv("CI") != null) {
            fail("Docker tests cannot run, and CI is set: " + why);
        }
        System.err.println("Skipping Docker tests: " + why);
        Assumptions.abort("Skipping Docker tests: " + why);
    }
}
