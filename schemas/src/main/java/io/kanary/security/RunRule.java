package io.kanary.security;

import java.util.List;

/**
 * What one service may run.
 *
 * @param executables absolute paths of programs the process driver may start; an entry ending in
 *                    {@code /} allows every program under that directory; {@code *} allows any
 * @param images      container images the docker driver may run: a repository ({@code registry.local/web},
 *                    any tag or digest), a prefix ending in {@code /} ({@code registry.local/} for a
 *                    whole registry), an exact reference ({@code busybox:1.36}), or {@code *}
 * @param env         environment names that change how a program loads ({@link LoaderEnvironment})
 *                    which this service may nevertheless set, e.g. {@code JAVA_TOOL_OPTIONS}
 */
public record RunRule(List<String> executables, List<String> images, List<String> env) {
    public static final String ANY = "*";
    public static final RunRule NOTHING = new RunRule(List.of(), List.of(), List.of());

    public RunRule {
        executables = executables == null ? List.of() : List.copyOf(executables);
        images = images == null ? List.of() : List.copyOf(images);
        env = env == null ? List.of() : List.copyOf(env);
        for (String entry : executables) {
            if (!entry.equals(ANY) && !entry.startsWith("/")) {
                throw new IllegalArgumentException("allow-list executable '" + entry
                        + "' is not an absolute path; write it as it will be started, e.g. /usr/bin/python3");
            }
        }
    }

    /** The union of two rules (the service's own and the one for every service). */
    RunRule and(RunRule other) {
        return new RunRule(concat(executables, other.executables), concat(images, other.images), concat(env, other.env));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList();
    }
}
