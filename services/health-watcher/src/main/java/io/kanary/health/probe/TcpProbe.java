package io.kanary.health.probe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One TCP connect to an instance's port, non-blocking, never longer than the timeout; an accepted
 * connection passes and is closed at once. Its future always succeeds, like {@link HealthProbe}'s.
 */
public final class TcpProbe implements AutoCloseable {
    private final NetClient client;

    private TcpProbe(NetClient client) {
        this.client = client;
    }

    public static TcpProbe create(Vertx vertx) {
        return new TcpProbe(vertx.createNetClient(new NetClientOptions().setReconnectAttempts(0)));
    }

    public Future<ProbeOutcome> probe(String host, int port, long timeoutMs) {
        Instant probedAt = Instant.now();
        long sentNanos = System.nanoTime();
        Future<NetSocket> connecting = client.connect(port, host);
        // A connection accepted after the probe gave up is closed too, not leaked.
        connecting.onSuccess(NetSocket::close);
        return connecting
                .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .map(socket -> new ProbeOutcome(true, 0, ProbeOutcome.elapsedMs(sentNanos), probedAt, null))
                .otherwise(failure -> ProbeOutcome.noAnswer("tcp connect to " + host + ":" + port + " failed: "
                        + (failure instanceof TimeoutException ? "no connection within " + timeoutMs + " ms"
                        : ProbeOutcome.describe(failure)), ProbeOutcome.elapsedMs(sentNanos), probedAt));
    }

    @Override
    public void close() {
        client.close();
    }
}
