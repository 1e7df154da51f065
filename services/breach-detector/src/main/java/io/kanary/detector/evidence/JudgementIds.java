package io.kanary.detector.evidence;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A batch is judged at most once, so its judgement's id derives from the deployment and the batch
 * (a name-based UUID): a replay yields the very same event, and the planner's duplicate check and
 * an audit both see one judgement.
 */
public final class JudgementIds {
    private JudgementIds() {
    }

    public static String of(String deploymentId, int batch) {
        return UUID.nameUUIDFromBytes(("judgement/" + deploymentId + "/" + batch).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * A progress record's id: the same deployment, batch and second of its wait give the same id, so a
     * reader can drop a repeat (a restart may publish the same second again).
     */
    public static String progress(String deploymentId, int batch, long secondOfWait) {
        return UUID.nameUUIDFromBytes(("progress/" + deploymentId + "/" + batch + "/" + secondOfWait)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
