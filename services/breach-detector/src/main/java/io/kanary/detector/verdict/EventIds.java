package io.kanary.detector.verdict;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ids of the detector's events. A deployment gets at most one breach and one rollback command,
 * so their ids are derived from its id (name-based UUIDs): replaying the input yields the very same
 * events, and an audit can tell a duplicate from a second verdict.
 */
public final class EventIds {
    private EventIds() {
    }

    public static String breach(String deploymentId) {
        return uuid("breach.detected/" + deploymentId);
    }

    public static String rollback(String deploymentId) {
        return uuid("rollback.requested/" + deploymentId);
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
