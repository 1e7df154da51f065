package io.kanary.executor;

import io.kanary.schema.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The demo app as a real child JVM (ask it what it runs with {@code DemoAppHealth}). */
public final class DemoApps {
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

    /** Child processes of this JVM that are still running. */
    public static List<ProcessHandle> liveChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
    }
}
