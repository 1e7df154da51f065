package io.kanary.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engines tests run against: {@code KANARY_DOCKER_HOSTS} as printed by
 * {@code infra/docker/start-engines.sh} ({@code host-1=unix:///a.sock,host-2=tcp://b:2375}). Where
 * it is unset or an engine does not answer, Docker tests are skipped with the reason, except when
 * env {@code CI} is set: then they fail, so CI cannot pass without them.
 */
public final class DockerEngines {
    /** Debian's busybox-static: what the tests' images are built from (no registry can be reached). */
    public static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private DockerEngines() {
    }

    /** Host id → endpoint of engines that answer a ping, at least {@code needed} of them, in the order listed. */
    public static Map<String, String> require(int needed) {
        String hosts = System.getenv("KANARY_DOCKER_HOSTS");
        if (hosts == null || hosts.isBlank()) {
            skipOrFail("KANARY_DOCKER_HOSTS is not set; run infra/docker/start-engines.sh and export its last line");
        }
        Map<String, String> endpoints = parse(hosts);
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

    /** A client of the engine at {@code endpoint} whose every call is bounded. */
    public static DockerClient client(String endpoint) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint).withDockerTlsVerify(false).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(CALL_TIMEOUT)
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** Removes every container, running or not, that carries {@code label=value}. */
    public static void removeContainers(DockerClient docker, String label, String value) {
        for (Container container : docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(label, value)).exec()) {
            docker.removeContainerCmd(container.getId()).withForce(true).exec();
        }
    }

    private static Map<String, String> parse(String hosts) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (String entry : hosts.split(",")) {
            String[] hostAndEndpoint = entry.strip().split("=", 2);
            if (hostAndEndpoint.length == 2 && !hostAndEndpoint[0].isBlank() && !hostAndEndpoint[1].isBlank()) {
                endpoints.put(hostAndEndpoint[0].strip(), hostAndEndpoint[1].strip());
            } else if (!entry.isBlank()) {
                fail("KANARY_DOCKER_HOSTS entries look like host-1=unix:///var/run/docker.sock, was '" + entry.strip() + "'");
            }
        }
        return endpoints;
    }

    private static void skipOrFail(String why) {
        if (System.getenv("CI") != null) {
            fail("Docker tests cannot run, and CI is set: " + why);
        }
        System.err.println("Skipping Docker tests: " + why);
        Assumptions.abort("Skipping Docker tests: " + why);
    }
}
