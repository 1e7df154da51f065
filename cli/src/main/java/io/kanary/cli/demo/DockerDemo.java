package io.kanary.cli.demo;

import io.kanary.cli.HumanErrors;
import io.kanary.cli.UserError;
import com.github.dockerjava.api.DockerClient;
import io.kanary.demo.DemoImages;
import io.kanary.executor.driver.DockerSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.lang3.exception.ExceptionUtils;

/** The demo's images on every Docker host: built locally from busybox-static, since no registry may be reachable. */
public final class DockerDemo {
    private DockerDemo() {
    }

    public static void buildImages(Map<String, String> endpoints, Path busybox, PrintStream out) throws IOException {
        if (!Files.isReadable(busybox)) {
            throw new UserError("the demo images are built from a static busybox, and " + busybox
                    + " cannot be read: install it (Debian: apt-get install busybox-static) or pass --busybox");
        }
        DockerSettings settings = DockerSettings.of(endpoints);
        for (Map.Entry<String, String> host : endpoints.entrySet()) {
            long began = System.nanoTime();
            try (DockerClient docker = settings.client(host.getValue())) {
                docker.pingCmd().exec();
                DemoImages.build(docker, busybox);
            } catch (RuntimeException e) {
                Throwable root = ExceptionUtils.getRootCause(e);
                throw new UserError("cannot reach the Docker engine of " + host.getKey() + " at " + host.getValue() + ": "
                        + root.getMessage() + " (set --docker-hosts or KANARY_DOCKER_HOSTS)", HumanErrors.EXIT_UNREACHABLE);
            }
            out.printf("%-11s demo images %s:v1..v3 built on %s (%d ms)%n", "docker", DemoImages.REPOSITORY, host.getKey(),
                    (System.nanoTime() - began) / 1_000_000);
        }
    }
}
