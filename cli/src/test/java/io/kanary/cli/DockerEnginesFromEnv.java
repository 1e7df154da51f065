package io.kanary.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import io.kanary.executor.driver.DockerSettings;
import java.util.Map;

/**
 * The Docker engines the tests may use, from {@code KANARY_DOCKER_HOSTS} (CI starts two with
 * infra/docker/start-engines.sh). Without them the Docker tests are skipped with the reason —
 * unless {@code CI} is set, where they fail: CI must never pass without them.
 */
final class DockerEnginesFromEnv {
    private DockerEnginesFromEnv() {
    }

    static Map<String, String> require(int count) {
        String text = System.getenv("KANARY_DOCKER_HOSTS");
        String problem = null;
        Map<String, String> endpoints = Map.of();
        if (text == null || text.isBlank()) {
            problem = "KANARY_DOCKER_HOSTS is not set (start engines with infra/docker/start-engines.sh)";
        } else {
            endpoints = DockerSettings.parseHosts(text);
            if (endpoints.size() < count) {
                problem = "KANARY_DOCKER_HOSTS names " + endpoints.size() + " engine(s), " + count + " needed";
            }
            DockerSettings settings = DockerSettings.of(endpoints);
            for (Map.Entry<String, String> e : endpoints.entrySet()) {
                try (DockerClient docker = settings.client(e.getValue())) {
                    docker.pingCmd().exec();
                } catch (Exception ex) {
                    problem = "the Docker engine of " + e.getKey() + " at " + e.getValue() + " does not answer: " + ex.getMessage();
                }
            }
        }
        if (problem != null && System.getenv("CI") != null) {
            throw new IllegalStateException("Docker tests cannot run, and CI is set: " + problem);
        }
        String reason = problem;
        assumeTrue(reason == null, () -> "Docker tests skipped: " + reason);
        return endpoints;
    }
}
