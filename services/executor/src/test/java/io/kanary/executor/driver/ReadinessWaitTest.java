package io.kanary.executor.driver;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessWaitTest {
    private static final Duration POLL = Duration.ofMillis(5);

    @Test
    void shouldReturnOnceTheAddressAcceptsConnections() throws IOException {
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ReadinessWait wait = new ReadinessWait(Duration.ofSeconds(30), POLL);

            assertDoesNotThrow(() -> wait.await("host-1/shop/v1/a", loopback(listening.getLocalPort()), "port "
                    + listening.getLocalPort(), watch(attempt -> { }, "")));
        }
    }

    @Test
    void shouldStopWaitingWhenTheWatchGivesUp() throws IOException {
        int refused = refusedPort();
        DriverException exited = new DriverException("host-1/shop/v1/a exited with code 3");
        List<Integer> attempts = new ArrayList<>();
        ReadinessWait wait = new ReadinessWait(Duration.ofSeconds(30), POLL);

        DriverException thrown = assertThrows(DriverException.class, () -> wait.await("host-1/shop/v1/a",
                loopback(refused), "port " + refused, watch(attempt -> {
                    attempts.add(attempt);
                    if (attempt == 2) {
                        throw exited;
                    }
                }, "")));

        assertSame(exited, thrown);
        assertEquals(List.of(0, 1, 2), attempts);
    }

    @Test
    void shouldNameTheAddressTheDeadlineAndTheLogWhenTimeRunsOut() throws IOException {
        int refused = refusedPort();
        ReadinessWait wait = new ReadinessWait(Duration.ofMillis(200), POLL);

        DriverException late = assertThrows(DriverException.class, () -> wait.await("host-1/shop/v1/a",
                loopback(refused), "port " + refused, watch(attempt -> { }, "; its log is empty")));

        assertEquals("host-1/shop/v1/a did not accept connections on port " + refused + " within 200 ms; its log is empty",
                late.getMessage());
    }

    @Test
    void shouldSayWhichInstanceWasStartingWhenInterrupted() throws IOException {
        int refused = refusedPort();
        ReadinessWait wait = new ReadinessWait(Duration.ofSeconds(30), POLL);
        Thread.currentThread().interrupt();
        try {
            DriverException interrupted = assertThrows(DriverException.class, () -> wait.await("host-1/shop/v1/a",
                    loopback(refused), "port " + refused, watch(attempt -> { }, "")));
            assertEquals("interrupted while host-1/shop/v1/a was starting", interrupted.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    private interface Check {
        void check(int attempt) throws DriverException;
    }

    private static ReadinessWait.Watch watch(Check check, String logTail) {
        return new ReadinessWait.Watch() {
            @Override
            public void check(int attempt) throws DriverException {
                check.check(attempt);
            }

            @Override
            public String logTail() {
                return logTail;
            }
        };
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A port nothing listens on: one the kernel just handed out and took back. */
    private static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
