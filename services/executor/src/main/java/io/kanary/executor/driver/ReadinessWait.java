package io.kanary.executor.driver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Waits until a new instance accepts TCP connections, the one readiness test both drivers apply.
 * The driver's {@link Watch} ends the wait early when the instance can no longer come up (its
 * process or container exited, the driver closed), with the reason as a sentence.
 */
public final class ReadinessWait {
    private static final int CONNECT_TIMEOUT_MS = 250;

    /** What a driver knows about an instance that is starting. */
    public interface Watch {
        /**
         * Called after each refused attempt (numbered from 0).
         *
         * @throws DriverException when the instance can no longer become ready, saying why
         */
        void check(int attempt) throws DriverException;

        /** Pauses between attempts; may return early, e.g. as soon as the instance's process exits. */
        default void pause(Duration poll) throws InterruptedException {
            Thread.sleep(poll.toMillis());
        }

        /** Appended to the time-out sentence, e.g. the last lines of the instance's log. */
        String logTail();
    }

    private final Duration deadline;
    private final Duration poll;

    /**
     * @param deadline how long an instance may take to accept connections
     * @param poll     the pause between attempts: every pause is added to a deploy or a rollback
     */
    public ReadinessWait(Duration deadline, Duration poll) {
        this.deadline = deadline;
        this.poll = poll;
    }

    /**
     * Returns once {@code address} accepts a connection.
     *
     * @param where how the time-out sentence names the address, e.g. {@code port 41234}
     * @throws DriverException when the watch gives up, the deadline passes or the thread is interrupted
     */
    public void await(String instanceId, InetSocketAddress address, String where, Watch watch) throws DriverException {
        long end = System.nanoTime() + deadline.toNanos();
        for (int attempt = 0; ; attempt++) {
            if (acceptsConnections(address)) {
                return;
            }
            watch.check(attempt);
            if (System.nanoTime() - end >= 0) {
                throw new DriverException(instanceId + " did not accept connections on " + where + " within "
                        + deadline.toMillis() + " ms" + watch.logTail());
            }
            try {
                watch.pause(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted while " + instanceId + " was starting", e);
            }
        }
    }

    /** Whether something accepts a TCP connection at {@code address} now (a loopback connect costs microseconds). */
    public static boolean acceptsConnections(InetSocketAddress address) {
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
