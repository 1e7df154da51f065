package io.kanary.health;

/**
 * An instance the watcher probes.
 *
 * @param causationId the ce_id of the host event (started or rolled back) that announced it; every
 *                    probe of the instance names it as its cause, which is how the audit ties probes
 *                    to a deployment
 */
record LiveInstance(String service, String version, String hostId, String instanceId, String healthUrl,
                    String causationId) {

    /** A host runs at most one instance of a service: a newer one replaces the older. */
    record Key(String hostId, String service) {
    }

    Key key() {
        return new Key(hostId, service);
    }
}
