package io.kanary.audit;

/**
 * Which part of the report to show; a null field matches everything.
 *
 * @param service      only this service's deployments
 * @param deploymentId only this deployment
 */
public record AuditFilter(String service, String deploymentId) {
    public static final AuditFilter ALL = new AuditFilter(null, null);

    public boolean matches(DeploymentTimeline deployment) {
        return matchesService(deployment.service())
                && (deploymentId == null || deploymentId.equals(deployment.deploymentId()));
    }

    public boolean matchesService(String name) {
        return service == null || service.equals(name);
    }
}
