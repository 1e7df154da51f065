package io.kanary.notifier;

/**
 * Somewhere notifications go. Each target has its own feed (thread and consumer group), so it is
 * told about each event once it is done with the previous one, and a slow one waits alone.
 */
interface Target extends AutoCloseable {
    /** {@code alertmanager} or {@code webhook}: the metrics' {@code target} label. */
    String kind();

    /** Where it is, whole: its consumer group's name is derived from it. */
    String url();

    /** Where it is, as logs and dead letters may show it (see {@link SafeUrl}). */
    default String shownUrl() {
        return SafeUrl.of(java.net.URI.create(url()));
    }

    /**
     * Delivers {@code notification}, or dead-letters it after the last try; returns when either is
     * done, so the feed may commit past it.
     *
     * @throws InterruptedException when the notifier is closing: neither happened, and the record
     *                              is read again at the next start
     */
    void deliver(Notification notification) throws InterruptedException;

    /** Called once before the feed reads, from the history it is about to resume: e.g. to rebuild what is active. */
    default void resume() {
    }

    @Override
    default void close() {
    }
}
