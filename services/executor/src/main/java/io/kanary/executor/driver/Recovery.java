package io.kanary.executor.driver;

/**
 * What a driver found at start about an action an earlier executor of the host began and did not
 * see through (it was killed half-way), once the driver has seen it through or given it up; or an
 * instance the earlier executor started that no longer runs. The executor reports each as host
 * events, so the record says what the host runs.
 *
 * @param commandId the command the action carried out (for {@link Kind#EXITED}: the one that
 *                  started the instance)
 * @param version   the version the command was about: the one deployed, or rolled back to
 * @param stopped   the instance the action stopped (or that exited), or null
 * @param now       the instance that runs now because of the action, or null
 * @param failure   for {@link Kind#FAILED}: why, as a sentence
 */
public record Recovery(Kind kind, String commandId, String deploymentId, String service, String version,
                       RunningInstance stopped, RunningInstance now, String failure) {

    public enum Kind {
        /** A deploy the driver saw through: {@code now} runs, {@code stopped} was replaced. */
        DEPLOYED,
        /** A rollback the driver saw through: {@code now} is what runs again (null: nothing ran before). */
        ROLLED_BACK,
        /** A stop the driver saw through. */
        STOPPED,
        /** An action that could not be seen through. */
        FAILED,
        /** An instance that stopped running while no executor watched it. */
        EXITED
    }
}
