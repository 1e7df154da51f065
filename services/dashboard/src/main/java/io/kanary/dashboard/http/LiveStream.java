package io.kanary.dashboard.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browsers connected to {@code GET /events}: a chunked {@code text/event-stream} response each,
 * kept open, to which every state push is written as one server-sent event.
 */
final class LiveStream {
    private final Set<HttpServerResponse> clients = ConcurrentHashMap.newKeySet();

    /** Opens the stream for this request and sends it {@code first} at once. */
    void open(RoutingContext ctx, String first) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold the events back
        clients.add(response);
        response.closeHandler(v -> clients.remove(response));
        response.exceptionHandler(e -> clients.remove(response));
        // Where the browser reconnects after a dropped connection: in 2 s.
        response.write("retry: 2000\n\n");
        send(response, "state", first);
    }

    /** Sends {@code data} as a {@code name} event to every browser that keeps up; a slow one misses this push, not the next. */
    void broadcast(String name, String data) {
        for (HttpServerResponse client : clients) {
            if (!client.writeQueueFull()) {
                send(client, name, data);
            }
        }
    }

    private void send(HttpServerResponse client, String name, String data) {
        client.write("event: " + name + "\ndata: " + data + "\n\n").onFailure(e -> clients.remove(client));
    }

    int size() {
        return clients.size();
    }

    void closeAll() {
        clients.forEach(c -> {
            if (!c.ended()) {
                c.end();
            }
        });
        clients.clear();
    }
}
