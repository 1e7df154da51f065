package io.kanary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kanary.kafka.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of the planner's HTTP API, for the unit tests of the CLI's client side only: it
 * answers each route with the status and JSON a test gives, as the API contract specifies them, and
 * records what the CLI sent. The CLI against the real planner is what the *IT tests run.
 */
final class PlannerDouble implements AutoCloseable {
    /** One request the CLI sent. */
    record Seen(String method, String path, String query, String idempotencyKey, JsonNode body) {
    }

    private record Answer(int status, String json) {
    }

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();

    PlannerDouble() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Answers {@code route} ("POST /v1/deployments/web-7/pause") with these answers in turn, the last
     * one for every later request; each answer is a status and a JSON body.
     */
    PlannerDouble on(String route, Object... statusAndJson) {
        Deque<Answer> queue = new ArrayDeque<>();
        for (int i = 0; i < statusAndJson.length; i += 2) {
            queue.add(new Answer((Integer) statusAndJson[i], (String) statusAndJson[i + 1]));
        }
        answers.put(route, queue);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Seen> seen() {
        return seen;
    }

    /** The requests sent to {@code route}. */
    List<Seen> seen(String route) {
        return seen.stream().filter(s -> route.equals(s.method() + " " + s.path())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
        byte[] sent = exchange.getRequestBody().readAllBytes();
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                sent.length == 0 ? MissingNode.getInstance() : Json.mapper().readTree(sent)));
        Deque<Answer> queue = answers.get(route);
        Answer answer = queue == null ? new Answer(404, "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404,"
                + "\"detail\":\"no route " + route + " in this test\"}") : queue.size() > 1 ? queue.poll() : queue.peek();
        byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type",
                answer.status() >= 400 ? "application/problem+json" : "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A 409 problem as the contract writes it: naming the phase. */
    static String conflict(String detail, String phase) {
        return "{\"type\":\"https://kanary.io/problems/conflict\",\"title\":\"Conflict\",\"status\":409,\"detail\":\""
                + detail + "\",\"phase\":\"" + phase + "\"}";
    }

    /** A 404 problem. */
    static String notFound(String detail) {
        return "{\"type\":\"https://kanary.io/problems/not-found\",\"title\":\"Not found\",\"status\":404,\"detail\":\""
                + detail + "\"}";
    }

    /** A deployment view with {@code phase} and the fields given as extra JSON members. */
    static String view(String id, String phase, String extra) {
        return "{\"id\":\"" + id + "\",\"service\":\"web\",\"version\":\"v2\",\"phase\":\"" + phase
                + "\",\"batch\":1,\"batches\":2,\"startedAt\":\"2026-12-02T01:00:00Z\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
