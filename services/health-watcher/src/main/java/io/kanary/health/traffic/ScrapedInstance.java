package io.kanary.health.traffic;

/**
 * A live instance whose request metrics may be read.
 *
 * @param address     its base URL, e.g. {@code http://127.0.0.1:41234}; the source's path is appended
 * @param causationId the ce_id of the host event that announced it: its samples name it as their cause
 */
public record ScrapedInstance(String service, String version, String hostId, String instanceId, String address,
                              String causationId) {

    /** A host runs at most one instance of a service: a newer one replaces the older. */
    record Key(String hostId, String service) {
    }

    Key key() {
        return new Key(hostId, service);
    }
}
