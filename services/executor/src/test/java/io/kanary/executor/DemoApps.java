package io.kanary.executor;

import io.kanary.kafka.Json;
import io.kanary.schema.Instance;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The demo app as a real child JVM, and a real HTTP client to ask it what it runs. */
public final class DemoApps {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoApps() {
    }

    /** Runs {@code io.kanary.demo.DemoApp} with this JVM's java and class path. */
    public static RunSpec demoApp(String version) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new RunSpec(null,
                List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                        "io.kanary.demo.DemoApp"),
                Map.of("DEMO_VERSION", version), null, 5_000L);
    }

    /** The version the instance reports on its health URL, over real HTTP. */
    public static String healthVersion(Instance instance) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(instance.healthUrl())).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(instance.healthUrl() + " answered " + response.statusCode());
        }
        return Json.mapper().readTree(response.body()).path("version").asText();
    }

    /** Child processes of this JVM that are still running. */
    public static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
    }
}
