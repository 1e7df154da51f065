package io.kanary.executor.driver;

/**
 * Which deployment and which command a deploy belongs to. The docker driver writes both on the
 * containers it creates (labels {@code kanary.deployment} and {@code kanary.command}), so a host
 * can be read back without kanary.
 *
 * @param deploymentId the deployment, or null outside one
 * @param commandId    the id of the host command (its eventId), or null when none caused it
 */
public record DeployContext(String deploymentId, String commandId) {
    /** For deploys that no deployment or command caused, e.g. in tools and tests. */
    public static final DeployContext NONE = new DeployContext(null, null);
}
