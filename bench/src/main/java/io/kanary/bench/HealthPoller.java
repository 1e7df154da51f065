package io.kanary.bench;

import io.kanary.kafka.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Polls a health URL about every {@link #INTERVAL} until it answers 200 with the wanted
 * {@code version} in its JSON body — the point where a user sees the old version serve again.
 */
final class HealthPoller {
    static final Duration INTERVAL = Duration.ofMillis(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final Duration deadline;

    HealthPoller(Duration deadline) {
        this.deadline = deadline;
    }

    /**
     * Returns once {@code healthUrl} answers 200 with {@code version}; a fresh client per call, so
     * no pooled connection to an earlier container on the same port is reused.
     *
     * @throws IOException when it has not by the deadline, with the last answer or error
     */
    void awaitVersion(String healthUrl, String version) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(healthUrl)).timeout(REQUEST_TIMEOUT).build();
        long end = System.nanoTime() + deadline.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() - end < 0) {
            long next = System.nanoTime() + INTERVAL.toNanos();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && version.equals(versionIn(response.body()))) {
                    return;
                }
                last = response.statusCode() + " " + response.body().strip();
            } catch (IOException e) {
                // Not listening yet (connection refused) is the expected answer while it starts.
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        throw new IOException(healthUrl + " did not answer 200 with version " + version + " within "
                + deadline.toSeconds() + " s; last: " + last);
    }

    private static String versionIn(String body) {
        try {
            return Json.mapper().readTree(body).path("version").asText();
        } catch (IOException e) {
            return null;
        }
    }
}
