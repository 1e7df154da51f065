package io.kanary.health.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class TcpProbeTest {
    /** Generous: a loaded machine's first connect still makes it. */
    private static final long TIMEOUT_MS = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldPassWhenThePortAcceptsAConnection(Vertx vertx) throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1").await();
        try (TcpProbe probe = TcpProbe.create(vertx)) {
            ProbeOutcome outcome = probe.probe("127.0.0.1", server.actualPort(), TIMEOUT_MS).await(WAIT);

            assertTrue(outcome.ok());
            assertEquals(0, outcome.statusCode());
            assertNull(outcome.error());
        }
    }

    @Test
    void shouldFailWhenNothingListensOnThePort(Vertx vertx) throws Exception {
        int closed = closedPort();
        try (TcpProbe probe = TcpProbe.create(vertx)) {
            ProbeOutcome outcome = probe.probe("127.0.0.1", closed, TIMEOUT_MS).await(WAIT);

            assertFalse(outcome.ok());
            assertEquals(0, outcome.statusCode());
            assertTrue(outcome.error().startsWith("tcp connect to 127.0.0.1:" + closed + " failed: "), outcome.error());
            assertTrue(outcome.error().contains("refused"), outcome.error());
        }
    }

    /** A port that was free a moment ago: nothing listens on it. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
