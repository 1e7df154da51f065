package io.kanary.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.cli.UserError;
import io.kanary.kafka.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * A small client of the planner's HTTP API, sending its bearer token with every request; problem
 * details become {@link PlannerProblem}s with their detail. Every POST carries an
 * {@code Idempotency-Key}, and a request that got no answer (the connection failed, the planner
 * was restarting) is sent again with the same key, so the planner acts on it once.
 */
public final class PlannerClient {
    private static final int ATTEMPTS = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    /** Answers of a proxy or a planner in a restart: the request may not have been read, and is safe to repeat. */
    private static final Set<Integer> RETRIED_STATUS = Set.of(502, 503, 504);

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client that sends {@code token} (null: none, and the API answers 401). */
    public PlannerClient(String baseUrl, String token) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.token = token;
    }

    /** A client without a credential. */
    public PlannerClient(String baseUrl) {
        this(baseUrl, null);
    }

    public JsonNode get(String path) {
        return send(authorized(HttpRequest.newBuilder(base.resolve(path)).GET()).build());
    }

    /** POSTs {@code body} as JSON under a fresh idempotency key. */
    public JsonNode post(String path, Object body) {
        return post(path, body, UUID.randomUUID().toString());
    }

    /** POSTs {@code body} as JSON; {@code idempotencyKey} makes a repeat of this request act once. */
    public JsonNode post(String path, Object body, String idempotencyKey) {
        try {
            return send(authorized(HttpRequest.newBuilder(base.resolve(path))).header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))).build());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return (token == null ? request : request.header("Authorization", "Bearer " + token)).timeout(Duration.ofSeconds(15));
    }

    private JsonNode send(HttpRequest request) {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt < ATTEMPTS) {
                    backoff = pause(backoff);
                    continue;
                }
                throw new IllegalStateException(e.getMessage() == null
                        ? "no answer from the planner at " + request.uri() : e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (RETRIED_STATUS.contains(response.statusCode()) && attempt < ATTEMPTS) {
                backoff = pause(backoff);
                continue;
            }
            return answer(response);
        }
    }

    private JsonNode answer(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = response.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e.getOriginalMessage(), e);
        }
        if (response.statusCode() == 401) {
            throw new UserError("401 " + body.path("title").asText("Unauthorized") + ": " + (token == null
                    ? "no API token found; give --token-file FILE (or --token), or set KANARY_TOKEN_FILE (or KANARY_TOKEN); "
                            + "'kanary up' prints where it wrote its token"
                    : "the planner did not accept the token given; check --token, --token-file, KANARY_TOKEN and KANARY_TOKEN_FILE"), 1);
        }
        if (response.statusCode() >= 400) {
            throw new PlannerProblem(response.statusCode(), body.hasNonNull("phase") ? body.path("phase").asText() : null,
                    problemText(response.statusCode(), body));
        }
        return body;
    }

    private static Duration pause(Duration backoff) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return backoff.multipliedBy(2);
    }

    /** "409 Deployment conflict: service web already has ..." plus one line per broken rule. */
    public static String problemText(int status, JsonNode problem) {
        StringBuilder text = new StringBuilder().append(status).append(' ').append(problem.path("title").asText("error"));
        if (problem.path("errors").isEmpty()) {
            text.append(": ").append(problem.path("detail").asText(""));
            if (problem.hasNonNull("phase") && !problem.path("detail").asText("").contains(problem.path("phase").asText())) {
                text.append(" (phase ").append(problem.path("phase").asText()).append(')');
            }
            return text.toString();
        }
        for (JsonNode error : problem.path("errors")) {
            text.append(System.lineSeparator()).append("  - ").append(error.path("field").asText())
                    .append(": ").append(error.path("rule").asText());
        }
        return text.toString();
    }
}
