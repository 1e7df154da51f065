package io.kanary.cli.client;

import io.kanary.cli.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small client of the planner's HTTP API, sending its bearer token with every request; problem
 * details become {@link UserError}s with their detail.
 */
public final class PlannerClient {
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
        return send(authorized(HttpRequest.newBuilder(base.resolve(path)).GET()));
    }

    public JsonNode post(String path, Object body) {
        try {
            return send(authorized(HttpRequest.newBuilder(base.resolve(path))).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body());
            if (response.statusCode() == 401) {
                throw new UserError("401 " + body.path("title").asText("Unauthorized") + ": " + (token == null
                        ? "no API token found; give --token-file FILE (or --token), or set KANARY_TOKEN_FILE (or KANARY_TOKEN); "
                                + "'kanary up' prints where it wrote its token"
                        : "the planner did not accept the token given; check --token, --token-file, KANARY_TOKEN and KANARY_TOKEN_FILE"), 1);
            }
            if (response.statusCode() >= 400) {
                throw new UserError(problemText(response.statusCode(), body), response.statusCode() == 409 ? 4 : 1);
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** "409 Deployment conflict: service web already has ..." plus one line per broken rule. */
    public static String problemText(int status, JsonNode problem) {
        StringBuilder text = new StringBuilder().append(status).append(' ').append(problem.path("title").asText("error"));
        if (problem.path("errors").isEmpty()) {
            return text.append(": ").append(problem.path("detail").asText("")).toString();
        }
        for (JsonNode error : problem.path("errors")) {
            text.append(System.lineSeparator()).append("  - ").append(error.path("field").asText())
                    .append(": ").append(error.path("rule").asText());
        }
        return text.toString();
    }
}
