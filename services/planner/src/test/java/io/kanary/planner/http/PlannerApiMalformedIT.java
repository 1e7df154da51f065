package io.kanary.planner.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.broker.EmbeddedKafkaBroker;
import io.kanary.broker.TopicSetup;
import io.kanary.kafka.Json;
import io.kanary.kafka.KafkaSettings;
import io.kanary.kafka.Topics;
import io.kanary.planner.PlannerConfig;
import io.kanary.planner.PlannerService;
import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.planner.http.auth.Principal;
import io.kanary.planner.http.auth.Role;
import io.kanary.security.RunAllowList;
import io.kanary.schema.HostEvent;
import io.kanary.testkit.RawTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed input to the API, as a careless client or an attacker would send it: every answer is
 * an RFC 9457 problem naming what is wrong, never an exception's text; a POST that cannot become
 * a deployment is refused in its answer.
 */
class PlannerApiMalformedIT {
    // HTTP/1.1, as curl speaks it: over HTTP/2 an oversized request line is a header block, which the
    // protocol itself refuses (GOAWAY) before any HTTP answer can be given.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static EmbeddedKafkaBroker broker;
    private static PlannerService planner;
    private static final String TOKEN = "test-operator-token";

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        Map<String, Object> kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
        TopicSetup.createTopics(kafka, 1, (short) 1);
        for (String host : List.of("host-1", "host-2")) {
            HostEvent.Announced announced = new HostEvent.Announced("a-" + host, 1, host, "process", Instant.now());
            RawTopics.write(kafka, Topics.HOST_EVENTS.name(), host,
                    Topics.HOST_EVENTS.valueSerde().serializer().serialize(Topics.HOST_EVENTS.name(), announced));
        }
        planner = PlannerService.start(PlannerConfig.defaults(kafka).withHttpPort(0)
                .withAuth(ApiAuth.single(new Principal("tester", Role.OPERATOR), TOKEN)).withAllowList(RunAllowList.ANYTHING));
        await().atMost(Duration.ofSeconds(30)).until(() -> Json.mapper().readTree(send("GET", "/v1/hosts", null).body())
                .path("hosts").size() == 2);
    }

    @AfterAll
    static void stop() {
        if (planner != null) {
            planner.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1} {2} at {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            a JSON null body         | 400 | malformed-request | (body)       | null
            an empty body            | 400 | malformed-request | (body)       | ''
            an array body            | 400 | malformed-request | (body)       | [{"service": "web"}]
            a string body            | 400 | malformed-request | (body)       | "web"
            truncated JSON           | 400 | malformed-request | (body)       | {"service": "web", "vers
            a number for a name      | 400 | malformed-request | service      | {"service": 123, "version": "v2", "run": {"command": ["app"]}}
            a boolean for a version  | 400 | malformed-request | version      | {"service": "web", "version": true, "run": {"command": ["app"]}}
            a fraction of a batch    | 400 | malformed-request | batchSize    | {"service": "web", "version": "v2", "batchSize": 1.5, "run": {"command": ["app"]}}
            a string for a number    | 400 | malformed-request | batchSize    | {"service": "web", "version": "v2", "batchSize": "2", "run": {"command": ["app"]}}
            a string for a rate      | 400 | malformed-request | policy.maxErrorRate | {"service": "web", "version": "v2", "run": {"command": ["app"]}, "policy": {"maxErrorRate": "0.1"}}
            a duplicate key          | 400 | malformed-request | (body)       | {"service": "web", "service": "api", "version": "v2", "run": {"command": ["app"]}}
            a null host              | 422 | invalid-request   | hosts[0]     | {"service": "web", "version": "v2", "hosts": [null], "run": {"command": ["app"]}}
            a null argument          | 422 | invalid-request   | run.command[1] | {"service": "web", "version": "v2", "run": {"command": ["app", null]}}
            an object for hosts      | 400 | malformed-request | hosts        | {"service": "web", "version": "v2", "hosts": {"a": 1}, "run": {"command": ["app"]}}
            an unknown field         | 400 | malformed-request | servce       | {"servce": "web", "version": "v2", "run": {"command": ["app"]}}
            a null service           | 422 | invalid-request   | service      | {"service": null, "version": "v2", "run": {"command": ["app"]}}
            """)
    void shouldAnswerAMalformedDeployRequestWithAProblemNamingTheField(String what, int status, String type, String field,
                                                                         String body) throws Exception {
        HttpResponse<String> response = send("POST", "/v1/deployments", body);

        JsonNode problem = assertProblem(response, status, what);
        assertEquals("https://kanary.io/problems/" + type, problem.path("type").asText(), what);
        List<String> fields = new ArrayList<>();
        problem.path("errors").forEach(e -> fields.add(e.path("field").asText()));
        assertTrue(fields.contains(field), what + ": " + response.body());
    }

    @Test
    void shouldAnswerANullInAnEnvironmentWithoutExceptionText() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/deployments", """
                {"service": "web", "version": "v2", "run": {"command": ["app"], "env": {"MODE": null}}}""");

        JsonNode problem = assertProblem(response, 400, "a null env value");
        assertEquals("null is not allowed there", problem.path("errors").get(0).path("rule").asText(), response.body());
    }

    @Test
    void shouldAnswerA100KbUrlWith414Problem() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/deployments/" + "x".repeat(100 * 1024), null);

        JsonNode problem = assertProblem(response, 414, "a 100 KB URL");
        assertEquals("https://kanary.io/problems/uri-too-long", problem.path("type").asText());
    }

    @Test
    void shouldAnswerRoutingAndSizeErrorsWithProblems() throws Exception {
        assertProblem(send("GET", "/v2/nothing", null), 404, "an unknown route");
        assertProblem(send("DELETE", "/v1/deployments", null), 405, "a method not allowed");
        assertProblem(send("POST", "/v1/deployments", "{\"service\": \"" + "x".repeat(70 * 1024) + "\"}"), 413,
                "a 70 KB body");
        assertProblem(send("POST", "/v1/deployments/nope/rollback", "null"), 404, "a null rollback body");
        assertProblem(send("POST", "/v1/deployments/nope/rollback", "{\"operator\": 5}"), 400, "a number for the operator");
        assertProblem(send("POST", "/v1/deployments/nope/rollback", "{\"reason\": \"a\", \"reason\": \"b\"}"), 400,
                "a duplicate key in a rollback");
    }

    @Test
    void shouldAcceptExactlyOneOfParallelPostsForOneServiceAndRefuseTheOthersInTheirAnswer() throws Exception {
        int posts = 8;
        List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, posts)
                .mapToObj(i -> HTTP.sendAsync(request("POST", "/v1/deployments", """
                        {"service": "race", "version": "v%d", "hosts": ["host-1"], "run": {"command": ["race"]},
                         "onBusy": "refuse"}"""
                        .formatted(i)), HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();

        List<HttpResponse<String>> accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
        assertEquals(1, accepted.size(), responses.stream().map(r -> r.statusCode() + " " + r.body()).toList().toString());
        assertEquals("ACCEPTED", Json.mapper().readTree(accepted.get(0).body()).path("status").asText());
        for (HttpResponse<String> refused : responses) {
            if (refused.statusCode() != 202) {
                JsonNode problem = assertProblem(refused, 409, "a losing parallel POST");
                assertTrue(problem.path("detail").asText().contains("already has an active deployment"), refused.body());
            }
        }
        String location = accepted.get(0).headers().firstValue("Location").orElseThrow();
        assertEquals(200, send("GET", location, null).statusCode(), "the accepted deployment exists at once");
        assertEquals(1, Json.mapper().readTree(send("GET", "/v1/deployments?service=race", null).body())
                .path("deployments").size());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String what) throws Exception {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""), what);
        assertFalse(response.body().contains("Exception"), what + ": " + response.body());
        assertFalse(response.body().contains("java."), what + ": " + response.body());
        JsonNode problem = Json.mapper().readTree(response.body());
        assertEquals(status, problem.path("status").asInt(), what);
        assertFalse(problem.path("detail").asText().isBlank(), what);
        return problem;
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + planner.httpPort() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(60))
                .build();
    }
}
