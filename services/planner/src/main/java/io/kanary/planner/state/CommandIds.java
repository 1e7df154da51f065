package io.kanary.planner.state;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Host command ids derived from the deployment event that caused the command and the host, so a
 * replayed planner knows which command a host event answers without reading host.commands: a
 * failed deploy (the host never ran the new version) is told apart from a failed rollback.
 * Unique because the causing event's id is a random UUID and a deployment event commands each
 * host at most once.
 */
final class CommandIds {
    private CommandIds() {
    }

    /** The id of the deploy command that {@code batchStartedEventId} sent to {@code hostId}. */
    static String deploy(String batchStartedEventId, String hostId) {
        return derive("deploy", batchStartedEventId, hostId);
    }

    /** The id of the rollback command that {@code rollingBackEventId} sent to {@code hostId}. */
    static String rollback(String rollingBackEventId, String hostId) {
        return derive("rollback", rollingBackEventId, hostId);
    }

    /** The id of the pre-deploy hook that {@code startedEventId} (deployment.started) sent to {@code hostId}. */
    static String preDeployHook(String startedEventId, String hostId) {
        return derive("hook-pre-deploy", startedEventId, hostId);
    }

    /** The id of the smoke test that {@code hookRequestedEventId} (deployment.hook.requested) sent to {@code hostId}. */
    static String smokeHook(String hookRequestedEventId, String hostId) {
        return derive("hook-smoke", hookRequestedEventId, hostId);
    }

    private static String derive(String kind, String causeEventId, String hostId) {
        return UUID.nameUUIDFromBytes((kind + "\n" + causeEventId + "\n" + hostId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
