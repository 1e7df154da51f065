package io.kanary.demo;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import io.kanary.schema.RunSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds the demo service's images on a Docker engine, with no registry: {@code FROM scratch},
 * a static busybox and busybox {@code httpd} serving a CGI health script on {@code $PORT}
 * (the port the docker driver assigns). The health URL is {@link #HEALTH_PATH} and answers
 * {@code {"status":"ok","version":"<v>"}} where {@code <v>} is env {@code APP_VERSION}
 * (baked into each image, e.g. {@code v1}).
 * <ul>
 *   <li>{@code <repository>:v1} — healthy;</li>
 *   <li>{@code <repository>:v2} — answers 500 to about 30% of requests;</li>
 *   <li>{@code <repository>:v3} — accepts connections but never becomes healthy (always 500).</li>
 * </ul>
 * Images carry the label {@link #LABEL} = the repository, so they can be found and removed.
 */
public final class DemoImages {
    public static final String REPOSITORY = "kanary-demo";
    public static final String HEALTH_PATH = "/cgi-bin/health";
    public static final String LABEL = "kanary.demo";
    public static final List<String> VERSIONS = List.of("v1", "v2", "v3");
    /** Where Debian's busybox-static puts it. */
    public static final Path DEFAULT_BUSYBOX = Path.of("/usr/bin/busybox");
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);

    private static final String DOCKERFILE = """
            FROM scratch
            COPY busybox /bin/busybox
            COPY www /www
            ENV APP_VERSION=%s
            STOPSIGNAL SIGTERM
            ENTRYPOINT ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM INT; /bin/busybox httpd -f -p \\"${PORT:-8080}\\" -h /www & wait"]
            """;

    // CGI headers end in CRLF: strict HTTP clients (Vert.x, the health-watcher's) refuse bare LF.
    private static final String HEALTHY = """
            #!/bin/busybox sh
            printf 'Content-Type: application/json\\r\\n'
            printf '\\r\\n'
            echo "{\\"status\\":\\"ok\\",\\"version\\":\\"$APP_VERSION\\"}"
            """;

    /** Two random bytes from /dev/urandom: below 3 in 10 answers 500. */
    private static final String FLAKY = """
            #!/bin/busybox sh
            n=$(/bin/busybox od -An -N2 -tu2 /dev/urandom)
            if [ $((n %% 10)) -lt 3 ]; then
              printf 'Status: 500 Internal Server Error\\r\\n'
              printf 'Content-Type: application/json\\r\\n'
              printf '\\r\\n'
              echo "{\\"status\\":\\"failing\\",\\"version\\":\\"$APP_VERSION\\"}"
            else
            %s
            fi
            """;

    private static final String BROKEN = """
            #!/bin/busybox sh
            printf 'Status: 500 Internal Server Error\\r\\n'
            printf 'Content-Type: application/json\\r\\n'
            printf '\\r\\n'
            echo "{\\"status\\":\\"broken\\",\\"version\\":\\"$APP_VERSION\\"}"
            """;

    private DemoImages() {
    }

    /** Builds {@code kanary-demo:v1}, {@code :v2} and {@code :v3}; returns their references in that order. */
    public static List<String> build(DockerClient docker, Path busybox) throws IOException {
        return build(docker, busybox, REPOSITORY);
    }

    /**
     * Builds {@code <repository>:v1}, {@code :v2} and {@code :v3} from the static busybox binary at
     * {@code busybox} (Debian: busybox-static); returns their references in that order.
     *
     * @throws IOException when busybox cannot be read or the engine fails to build
     */
    public static List<String> build(DockerClient docker, Path busybox, String repository) throws IOException {
        byte[] binary = Files.readAllBytes(busybox);
        String healthyBody = HEALTHY.lines().skip(1).map(line -> "  " + line).reduce((a, b) -> a + "\n" + b).orElseThrow();
        Map<String, String> scripts = Map.of(
                "v1", HEALTHY,
                "v2", FLAKY.formatted(healthyBody),
                "v3", BROKEN);
        for (String version : VERSIONS) {
            String image = image(repository, version);
            byte[] context = context(binary, DOCKERFILE.formatted(version), scripts.get(version));
            try {
                docker.buildImageCmd()
                        .withTarInputStream(new ByteArrayInputStream(context))
                        .withTags(Set.of(image))
                        .withLabels(Map.of(LABEL, repository))
                        .withPull(false)
                        .withRemove(true)
                        .start()
                        .awaitImageId(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                throw new IOException("cannot build " + image + ": " + e.getMessage(), e);
            }
        }
        return VERSIONS.stream().map(version -> image(repository, version)).toList();
    }

    public static String image(String repository, String version) {
        return repository + ":" + version;
    }

    /** How to run a demo image: its health URL, a short grace period. */
    public static RunSpec runSpec(String image) {
        return new RunSpec(image, List.of(), Map.of(), HEALTH_PATH, 2_000L);
    }

    /** Removes every image built for {@code repository} (containers using them must be gone). */
    public static void remove(DockerClient docker, String repository) {
        List<Image> images = docker.listImagesCmd().withLabelFilter(Map.of(LABEL, repository)).exec();
        for (Image image : images) {
            try {
                docker.removeImageCmd(image.getId()).withForce(true).exec();
            } catch (NotFoundException e) {
                // Already gone.
            }
        }
    }

    /** The build context as a tar, with the modes the image needs (busybox and the script executable). */
    private static byte[] context(byte[] busybox, String dockerfile, String script) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            add(tar, "Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8), 0644);
            add(tar, "busybox", busybox, 0755);
            directory(tar, "www/");
            directory(tar, "www/cgi-bin/");
            add(tar, "www/cgi-bin/health", script.getBytes(StandardCharsets.UTF_8), 0755);
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }
}
