package io.kanary.health;

import io.kanary.schema.HealthCheck;

/**
 * An instance the watcher probes.
 *
 * @param causationId the ce_id of the host event (started or rolled back) that announced it; every
 *                    probe of the instance names it as its cause, which is how the audit ties probes
 *                    to a deployment
 * @param address     the instance's base URL, where an HTTP check's own path and a TCP check's port are taken from
 * @param check       its deployment's health check, or null: GET {@code healthUrl} answers 2xx
 */
record LiveInstance(String service, String version, String hostId, String instanceId, String healthUrl,
                    String causationId, String address, HealthCheck check) {

    /** A host runs at most one instance of a service: a newer one replaces the older. */
    record Key(String hostId, String service) {
    }

    /** Which version's check a host event names: a rollback's instance is judged by the check its version started with. */
    record VersionKey(String hostId, String service, String version) {
    }

    Key key() {
        return new Key(hostId, service);
    }
}
