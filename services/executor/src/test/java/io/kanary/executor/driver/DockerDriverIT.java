package io.kanary.executor.driver;

import static io.kanary.testkit.DemoAppHealth.healthVersion;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.kanary.demo.DemoImages;
import io.kanary.kafka.Ids;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import io.kanary.testkit.DockerEngines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The docker driver on a real Docker engine (the first of KANARY_DOCKER_HOSTS), with images built here. */
class DockerDriverIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Its own host id and image repository, so other tests on the same engine are left alone. */
    private static final String HOST = "test-" + Ids.newId().substring(0, 8);
    private static final String REPOSITORY = "kanary-test-" + Ids.newId().substring(0, 8);

    private static String endpoint;
    private static DockerClient docker;
    private static List<String> images;

    @BeforeAll
    static void buildImages() throws IOException {
        endpoint = DockerEngines.require(1).values().iterator().next();
        docker = DockerEngines.client(endpoint);
        images = DemoImages.build(docker, DockerEngines.BUSYBOX, REPOSITORY);
    }

    @AfterAll
    static void removeEverythingCreated() throws IOException {
        if (docker != null) {
            DockerEngines.removeContainers(docker, DockerDriver.LABEL_HOST, HOST);
            DemoImages.remove(docker, REPOSITORY);
            docker.close();
        }
    }

    @Test
    void shouldStartTheNewVersionAndKeepThePreviousContainerStopped() throws Exception {
        String service = service();
        try (DockerDriver driver = driver(PullPolicy.IF_NOT_PRESENT)) {
            Instance v1 = driver.deploy(service, "v1", DemoImages.runSpec(images.get(0)), new DeployContext("dep-1", "cmd-1"));
            assertEquals("v1", healthVersion(v1));
            String v1Container = driver.currentContainerId(service).orElseThrow();

            Instance v2 = driver.deploy(service, "v2", DemoImages.runSpec(images.get(1)), new DeployContext("dep-2", "cmd-2"));
            await().atMost(WAIT).ignoreExceptions().until(() -> "v2".equals(healthVersion(v2)));
            assertNotEquals(v1.address(), v2.address(), "every container needs its own port");
            String v2Container = driver.currentContainerId(service).orElseThrow();

            assertFalse(state(v1Container).getRunning(), "v1 must be stopped");
            assertEquals(Optional.of(v1Container), driver.previousContainerId(service), "v1 must be kept");
            assertEquals("v2", driver.current(service).orElseThrow().version());
            Map<String, String> labels = docker.inspectContainerCmd(v2Container).exec().getConfig().getLabels();
            assertEquals(service, labels.get(DockerDriver.LABEL_SERVICE));
            assertEquals("v2", labels.get(DockerDriver.LABEL_VERSION));
            assertEquals("dep-2", labels.get(DockerDriver.LABEL_DEPLOYMENT));
            assertEquals("cmd-2", labels.get(DockerDriver.LABEL_COMMAND));
            assertEquals(URI.create(v2.address()).getPort(), Integer.parseInt(labels.get(DockerDriver.LABEL_PORT)));
        }
    }

    @Test
    void shouldGiveContainersOfAnEngineOnAnotherHostPortsOfTheRangeNoContainerThereHolds() throws Exception {
        // This machine's own network address stands for another host: the driver cannot tell the
        // difference, so it must take ports from the range rather than from this machine's kernel.
        String address = nonLoopbackAddress();
        Assumptions.assumeTrue(address != null, "this machine has no non-loopback IPv4 address to reach the engine by");
        PortRange range = new PortRange(18150, 18159);
        DockerSettings settings = new DockerSettings(Map.of(HOST, endpoint), null, false, PullPolicy.IF_NOT_PRESENT, 2,
                Duration.ofSeconds(60), false, range);
        String service = service();
        try (DockerDriver driver = new DockerDriver(HOST, docker, address, settings, WAIT)) {
            Instance v1 = driver.deploy(service, "v1", DemoImages.runSpec(images.get(0)));
            Instance v2 = driver.deploy(service, "v2", DemoImages.runSpec(images.get(1)));

            int v1Port = URI.create(v1.address()).getPort();
            int v2Port = URI.create(v2.address()).getPort();
            assertTrue(range.contains(v1Port), v1.address());
            assertTrue(range.contains(v2Port), v2.address());
            assertNotEquals(v1Port, v2Port, "the kept v1 container holds its port");
            assertEquals("http://" + address + ":" + v2Port, v2.address());
            await().atMost(WAIT).ignoreExceptions().until(() -> "v2".equals(healthVersion(v2)));
        }
    }

    private static String nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .map(InetAddress::getHostAddress)
                .findFirst()
                .orElse(null);
    }

    @Test
    void shouldApplyTheSpecsRestartPolicyAndResourceLimits() throws Exception {
        String service = service();
        RunSpec limited = new RunSpec(images.get(0), List.of(), Map.of(), DemoImages.HEALTH_PATH, 2_000L, "on-failure", 64L, 0.5);
        try (DockerDriver driver = driver(PullPolicy.IF_NOT_PRESENT)) {
            Instance v1 = driver.deploy(service, "v1", limited, new DeployContext("dep-1", "cmd-1"));
            assertEquals("v1", healthVersion(v1));

            com.github.dockerjava.api.model.HostConfig host = docker.inspectContainerCmd(
                    driver.currentContainerId(service).orElseThrow()).exec().getHostConfig();
            assertEquals("on-failure", host.getRestartPolicy().getName());
            assertEquals(64L * 1024 * 1024, host.getMemory());
            assertEquals(500_000_000L, host.getNanoCPUs());
        }
    }

    @Test
    void shouldRollBackWarmToTheKeptContainer() throws Exception {
        String service = service();
        try (DockerDriver driver = driver(PullPolicy.IF_NOT_PRESENT)) {
            Instance v1 = driver.deploy(service, "v1", DemoImages.runSpec(images.get(0)));
            String v1Container = driver.currentContainerId(service).orElseThrow();
            driver.deploy(service, "v2", DemoImages.runSpec(images.get(1)));
            String v2Container = driver.currentContainerId(service).orElseThrow();
            List<String> before = containerIds(service);

            RunningInstance back = driver.rollback(service).orElseThrow();

            assertEquals("v1", back.version());
            assertEquals(v1.address(), back.instance().address(), "the kept container comes back on its port");
            assertEquals(Optional.of(v1Container), driver.currentContainerId(service), "the same container, not a new one");
            assertEquals(before, containerIds(service), "a warm rollback creates no container");
            assertEquals("v1", healthVersion(back.instance()));
            assertFalse(state(v2Container).getRunning(), "v2 must be stopped");
            assertTrue(driver.previousVersion(service).isEmpty());
        }
    }

    @Test
    void shouldCreateThePreviousVersionAgainWhenItsContainerIsGone() throws Exception {
        String service = service();
        try (DockerDriver driver = driver(PullPolicy.IF_NOT_PRESENT)) {
            driver.deploy(service, "v1", DemoImages.runSpec(images.get(0)));
            String v1Container = driver.currentContainerId(service).orElseThrow();
            driver.deploy(service, "v2", DemoImages.runSpec(images.get(1)));
            docker.removeContainerCmd(v1Container).withForce(true).exec();

            RunningInstance back = driver.rollback(service).orElseThrow();

            assertEquals("v1", back.version());
            String recreated = driver.currentContainerId(service).orElseThrow();
            assertNotEquals(v1Container, recreated);
            assertEquals("v1", docker.inspectContainerCmd(recreated).exec().getConfig().getLabels()
                    .get(DockerDriver.LABEL_VERSION));
            assertEquals("v1", healthVersion(back.instance()));
        }
    }

    @Test
    void shouldKeepOnlyTheLastRevisions() throws Exception {
        String service = service();
        try (DockerDriver driver = driver(PullPolicy.IF_NOT_PRESENT)) {
            driver.deploy(service, "v1", DemoImages.runSpec(images.get(0)));
            String v1Container = driver.currentContainerId(service).orElseThrow();
            driver.deploy(service, "v2", DemoImages.runSpec(images.get(1)));
            String v2Container = driver.currentContainerId(service).orElseThrow();
            // v3 accepts connections (its health never passes, which is the health-watcher's business).
            driver.deploy(service, "v3", DemoImages.runSpec(images.get(2)));
            String v3Container = driver.currentContainerId(service).orElseThrow();

            List<String> left = containerIds(service);
            assertEquals(2, left.size(), "keeps 2 revisions: " + left);
            assertTrue(left.containsAll(List.of(v2Container, v3Container)), left.toString());
            assertFalse(left.contains(v1Container));
            assertEquals(Optional.of("v2"), driver.previousVersion(service));
        }
    }

    @Test
    void shouldFailClearlyWhenTheImageIsMissing() throws Exception {
        String service = service();
        String missing = REPOSITORY + ":missing";
        try (DockerDriver never = driver(PullPolicy.NEVER); DockerDriver ifNotPresent = driver(PullPolicy.IF_NOT_PRESENT)) {
            DriverException refused = assertThrows(DriverException.class,
                    () -> never.deploy(service, "v9", DemoImages.runSpec(missing)));
            assertTrue(refused.getMessage().contains(missing) && refused.getMessage().contains("never"),
                    refused.getMessage());
            // No registry can be reached here: the pull fails with the daemon's message.
            DriverException pull = assertThrows(DriverException.class,
                    () -> ifNotPresent.deploy(service, "v9", DemoImages.runSpec(missing)));
            assertTrue(pull.getMessage().startsWith("cannot pull image " + missing), pull.getMessage());
            assertTrue(containerIds(service).isEmpty());
            assertTrue(never.current(service).isEmpty());
        }
    }

    @Test
    void shouldFailClearlyWhenTheEngineDoesNotAnswer() throws IOException {
        DockerSettings settings = new DockerSettings(Map.of(HOST, "unix:///tmp/kanary-no-engine-here.sock"), null, false,
                PullPolicy.IF_NOT_PRESENT, 2, Duration.ofSeconds(10), false);
        try (DockerDriver driver = DockerDriver.connect(HOST, settings, WAIT)) {
            DriverException e = assertThrows(DriverException.class,
                    () -> driver.deploy(service(), "v1", DemoImages.runSpec(images.get(0))));
            assertTrue(e.getMessage().contains("cannot reach the Docker engine of " + HOST), e.getMessage());
        }
    }

    @Test
    void shouldReconcileFromLabelsWithoutStartingASecondCopy() throws Exception {
        String service = service();
        String v1Container;
        String v2Container;
        try (DockerDriver first = driver(PullPolicy.IF_NOT_PRESENT)) {
            first.deploy(service, "v1", DemoImages.runSpec(images.get(0)));
            v1Container = first.currentContainerId(service).orElseThrow();
            first.deploy(service, "v2", DemoImages.runSpec(images.get(1)));
            v2Container = first.currentContainerId(service).orElseThrow();
        }
        // Closing the driver leaves its containers to the engine.
        assertTrue(state(v2Container).getRunning());
        List<String> before = containerIds(service);

        try (DockerDriver second = driver(PullPolicy.IF_NOT_PRESENT)) {
            assertEquals("v2", second.current(service).orElseThrow().version());
            assertEquals(Optional.of(v2Container), second.currentContainerId(service));
            assertEquals(Optional.of(v1Container), second.previousContainerId(service));
            assertEquals(before, containerIds(service), "reconciling creates nothing");
            assertEquals(1, runningIds(service).size(), "one copy runs");

            RunningInstance back = second.rollback(service).orElseThrow();
            assertEquals("v1", back.version());
            assertEquals(Optional.of(v1Container), second.currentContainerId(service));
            assertEquals(List.of(v1Container), runningIds(service));
            assertEquals("v1", healthVersion(back.instance()));
        }
    }

    @Test
    void shouldRememberWhatToRollBackToFromLabelsWhenTheKeptContainerIsGone() throws Exception {
        String service = service();
        try (DockerDriver first = driver(PullPolicy.IF_NOT_PRESENT)) {
            first.deploy(service, "v1", DemoImages.runSpec(images.get(0)), new DeployContext("dep-1", "cmd-1"));
            docker.removeContainerCmd(first.currentContainerId(service).orElseThrow()).withForce(true).exec();
            first.deploy(service, "v2", DemoImages.runSpec(images.get(1)), new DeployContext("dep-2", "cmd-2"));
        }
        try (DockerDriver second = driver(PullPolicy.IF_NOT_PRESENT)) {
            assertEquals(Optional.of("v1"), second.previousVersion(service), "recorded on the v2 container");
            assertTrue(second.previousContainerId(service).isEmpty());
            RunningInstance back = second.rollback(service).orElseThrow();
            assertEquals("v1", back.version());
            assertEquals("v1", healthVersion(back.instance()));
            String recreated = second.currentContainerId(service).orElseThrow();
            Map<String, String> labels = docker.inspectContainerCmd(recreated).exec().getConfig().getLabels();
            assertEquals("dep-1", labels.get(DockerDriver.LABEL_DEPLOYMENT));
            assertEquals(List.of(recreated), runningIds(service));
        }
    }

    @Test
    void shouldReportAContainerThatExitsAndKeepThePreviousRunning() throws Exception {
        String crashing = REPOSITORY + ":crashing";
        buildImage(crashing, "[\"/bin/busybox\", \"sh\", \"-c\", \"echo out of luck >&2; exit 3\"]");
        String service = service();
        try (DockerDriver driver = driver(PullPolicy.NEVER)) {
            Instance v1 = driver.deploy(service, "v1", DemoImages.runSpec(images.get(0)));
            String v1Container = driver.currentContainerId(service).orElseThrow();

            DriverException e = assertThrows(DriverException.class,
                    () -> driver.deploy(service, "v4", DemoImages.runSpec(crashing)));

            assertTrue(e.getMessage().contains("exited with code 3") || e.getMessage().contains("keeps exiting"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("out of luck"), "the reason carries the container's log: " + e.getMessage());
            assertEquals(List.of(v1Container), runningIds(service), "v1 keeps running");
            assertEquals(List.of(v1Container), containerIds(service), "the failed container is removed");
            assertEquals("v1", driver.current(service).orElseThrow().version());
            assertEquals("v1", healthVersion(v1));
        }
    }

    /** An image from busybox with the given ENTRYPOINT (JSON form), labelled for removal with the demo images. */
    private static void buildImage(String tag, String entrypoint) throws IOException {
        byte[] busybox = Files.readAllBytes(DockerEngines.BUSYBOX);
        byte[] dockerfile = ("FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT " + entrypoint + "\n")
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (var file : Map.of("Dockerfile", dockerfile, "busybox", busybox).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(0100755);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
        docker.buildImageCmd().withTarInputStream(new ByteArrayInputStream(bytes.toByteArray()))
                .withTags(Set.of(tag)).withLabels(Map.of(DemoImages.LABEL, REPOSITORY)).withPull(false)
                .start().awaitImageId(2, TimeUnit.MINUTES);
    }

    @Test
    void shouldBuildDemoImagesThatBehaveAsDocumented() throws Exception {
        String service = service();
        try (DockerDriver driver = driver(PullPolicy.NEVER)) {
            Instance v2 = driver.deploy(service, "v2", DemoImages.runSpec(images.get(1)));
            int failures = 0;
            for (int i = 0; i < 60; i++) {
                failures += status(v2) == 500 ? 1 : 0;
            }
            // About 30% of 60 = 18; far outside [4, 36] means the image does not fail as documented.
            assertTrue(failures >= 4 && failures <= 36, "v2 failed " + failures + " of 60 requests");

            Instance v3 = driver.deploy(service, "v3", DemoImages.runSpec(images.get(2)));
            for (int i = 0; i < 5; i++) {
                assertEquals(500, status(v3));
            }
        }
    }

    private static int status(Instance instance) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(instance.healthUrl())).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static DockerDriver driver(PullPolicy pull) {
        DockerSettings settings = new DockerSettings(Map.of(HOST, endpoint), null, false, pull, 2, Duration.ofSeconds(60),
                false);
        return new DockerDriver(HOST, docker, DockerSettings.hostAddress(endpoint), settings, WAIT);
    }

    private static String service() {
        return "shop-" + Ids.newId().substring(0, 8);
    }

    private static InspectContainerResponse.ContainerState state(String containerId) {
        return docker.inspectContainerCmd(containerId).exec().getState();
    }

    private static List<String> containerIds(String service) {
        return containers(service).stream().map(Container::getId).sorted().toList();
    }

    private static List<String> runningIds(String service) {
        return containers(service).stream().filter(c -> "running".equals(c.getState())).map(Container::getId).toList();
    }

    private static List<Container> containers(String service) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerDriver.LABEL_HOST, HOST, DockerDriver.LABEL_SERVICE, service)).exec();
    }
}
