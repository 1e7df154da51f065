package io.kanary.cli.rollout;

import io.kanary.cli.ExitCodes;
import java.util.Arrays;

/** The phases of a deployment as the planner's API names them, and the exit code each final one means. */
public enum RolloutPhase {
    QUEUED, ROLLING, WAITING, PAUSED, ROLLING_BACK,
    SUCCEEDED(ExitCodes.OK), ROLLED_BACK(ExitCodes.ROLLED_BACK), FAILED(ExitCodes.DEPLOYMENT_FAILED),
    ABORTED(ExitCodes.ABORTED), CANCELLED(ExitCodes.ABORTED);

    private final Integer exitCode;

    RolloutPhase() {
        this.exitCode = null;
    }

    RolloutPhase(int exitCode) {
        this.exitCode = exitCode;
    }

    /** Whether the deployment has ended: nothing will change it any more. */
    public boolean isFinal() {
        return exitCode != null;
    }

    /** The exit code of {@code kanary wait} when the deployment ended in this phase. */
    public int exitCode() {
        if (exitCode == null) {
            throw new IllegalStateException(this + " is not a final phase");
        }
        return exitCode;
    }

    /** The phase named {@code name}; a name this CLI does not know yet counts as active, so waiting goes on. */
    public static RolloutPhase of(String name) {
        return Arrays.stream(values()).filter(p -> p.name().equals(name)).findFirst().orElse(ROLLING);
    }
}
