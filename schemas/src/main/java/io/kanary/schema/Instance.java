package io.kanary.schema;

/**
 * One running instance of a service version on a host.
 *
 * @param address   base URL, e.g. {@code http://127.0.0.1:41234}
 * @param healthUrl the URL the health-watcher probes
 * @param check     the deployment's health check, when it gave one (absent: GET {@code healthUrl} answers 2xx)
 */
public record Instance(String instanceId, String address, String healthUrl, HealthCheck check) {

    /** An instance judged by its health URL answering 2xx. */
    public Instance(String instanceId, String address, String healthUrl) {
        this(instanceId, address, healthUrl, null);
    }

    /** The same instance judged by {@code check}. */
    public Instance withCheck(HealthCheck check) {
        return new Instance(instanceId, address, healthUrl, check);
    }
}
