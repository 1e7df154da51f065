package io.kanary.bench.campaign;

/**
 * One rollout the campaign asked for.
 *
 * @param deploymentId the id it was requested under
 * @param version      the version rolled out
 * @param bad          whether that version fails most of its requests (its rollout should be rolled back)
 * @param phase        the phase the planner reported last, or {@code null} if it never reported one
 * @param accepted     whether the planner accepted the request (202)
 */
record Rollout(String deploymentId, String version, boolean bad, String phase, boolean accepted) {
    static final java.util.Set<String> TERMINAL = java.util.Set.of("SUCCEEDED", "ROLLED_BACK", "FAILED", "ABORTED");

    boolean terminal() {
        return phase != null && TERMINAL.contains(phase);
    }
}
