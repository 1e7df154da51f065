package io.kanary.bench.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The planner's HTTP API as the campaign uses it; a planner that is down answers empty, never throws. */
final class PlannerHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String base;
    private final Path tokenFile;

    PlannerHttp(int port, Path tokenFile) {
        this.base = "http://127.0.0.1:" + port + "/";
        this.tokenFile = tokenFile;
    }

    /** The planner writes its token file at its first start; read it at each call, as the CLI does. */
    private String bearer() throws IOException {
        return "Bearer " + Files.readString(tokenFile).trim();
    }

    /** The HTTP status of the POST, or empty when the planner did not answer. */
    Optional<Integer> post(String path, Object body) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").header("Authorization", bearer())
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            return Optional.of(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The JSON answer of a 200, or empty (not found yet, or the planner is down). */
    Optional<JsonNode> get(String path) throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                    .header("Authorization", bearer()).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
