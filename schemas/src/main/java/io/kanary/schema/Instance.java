package io.kanary.schema;

/**
 * One running instance of a service version on a host.
 *
 * @param address   base URL, e.g. {@code http://127.0.0.1:41234}
 * @param healthUrl the URL the health-watcher probes
 */
public record Instance(String instanceId, String address, String healthUrl) {
}
