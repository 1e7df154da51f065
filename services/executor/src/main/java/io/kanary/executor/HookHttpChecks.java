package io.kanary.executor;

import io.kanary.checks.HttpExpectations;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.Instance;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A hook's HTTP checks of the service's instance on the host, judged as the health-watcher judges
 * HTTP health checks ({@link HttpExpectations}), one after the other; the first that fails fails the hook.
 */
final class HookHttpChecks {
    /** What the checks did: a line per check, and why the first failing one failed (empty: all passed). */
    record Result(List<String> lines, Optional<String> failure) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private HookHttpChecks() {
    }

    static Result run(List<HealthCheck.Http> checks, Instance instance, long defaultTimeoutMs)
            throws InterruptedException {
        List<String> lines = new ArrayList<>();
        for (HealthCheck.Http check : checks) {
            String url = check.path() == null ? instance.healthUrl() : instance.address() + check.path();
            long timeoutMs = check.timeoutMs() == null ? defaultTimeoutMs : check.timeoutMs();
            Optional<String> failure = judge(check, url, timeoutMs);
            lines.add("GET " + url + ": " + failure.orElse("passed"));
            if (failure.isPresent()) {
                return new Result(lines, Optional.of("smoke check GET " + url + " failed: " + failure.get()));
            }
        }
        return new Result(lines, Optional.empty());
    }

    private static Optional<String> judge(HealthCheck.Http check, String url, long timeoutMs)
            throws InterruptedException {
        HttpResponse<String> response;
        try {
            response = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(timeoutMs))
                    .header("User-Agent", "kanary-executor").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return Optional.of("no answer within " + timeoutMs + " ms");
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("no answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return HttpExpectations.failure(check, response.statusCode(), response.body());
    }
}
