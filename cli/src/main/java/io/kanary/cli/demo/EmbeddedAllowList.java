package io.kanary.cli.demo;

import io.kanary.demo.DemoImages;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import java.util.List;
import java.util.Map;

/**
 * What {@code kanary up} lets run: the demo's own service (this JVM's java running demo-app, or
 * the locally built demo images) and whatever the environment allows ({@code KANARY_ALLOW_*}).
 */
public final class EmbeddedAllowList {
    private EmbeddedAllowList() {
    }

    public static RunAllowList of(Map<String, String> env) {
        List<String> java = ProcessHandle.current().info().command().filter(c -> c.startsWith("/")).stream().toList();
        return RunAllowList.fromEnv(env).with(DemoScenario.SERVICE, new RunRule(java, List.of(DemoImages.REPOSITORY), List.of()));
    }
}
