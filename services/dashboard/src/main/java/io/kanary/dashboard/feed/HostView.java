package io.kanary.dashboard.feed;

/**
 * A target host of a deployment as its host events tell it.
 *
 * @param version the version of the deployment's service the host runs now, or null for none
 * @param state   what last happened there, in a word: running, starting, stopped, failed, rolled back, unknown
 */
public record HostView(String host, String version, String state) {
}
