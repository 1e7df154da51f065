package io.kanary.notifier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * A real HTTP server on a free local port that records every request it gets and answers the
 * statuses it was given, in turn, then {@code thereafter} for good.
 */
final class TestReceiver implements AutoCloseable {
    /** One request: its headers (names in lower case, first value) and body. */
    record Request(Map<String, String> headers, String body, int answered) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final Deque<Integer> scripted;
    private volatile int thereafter;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private TestReceiver(List<Integer> scripted, int thereafter) throws IOException {
        this.scripted = new ArrayDeque<>(scripted);
        this.thereafter = thereafter;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers {@code first} in turn, then {@code thereafter} for good. */
    static TestReceiver answering(List<Integer> first, int thereafter) throws IOException {
        return new TestReceiver(first, thereafter);
    }

    static TestReceiver always(int status) throws IOException {
        return new TestReceiver(List.of(), status);
    }

    /** From now on, answers {@code status} to every request (after any scripted ones). */
    void answerFromNow(int status) {
        thereafter = status;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int status = scripted.isEmpty() ? thereafter : scripted.pop();
        Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream().collect(Collectors.toMap(
                e -> e.getKey().toLowerCase(Locale.ROOT), e -> e.getValue().get(0), (a, b) -> a));
        requests.add(new Request(headers, body, status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
