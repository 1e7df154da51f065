package io.kanary.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard on a real broker, over real HTTP: its feed, its live stream, its timeline and its answers to bad requests. */
class DashboardServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-03-14T09:00:00Z");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DashboardService dashboard;

    @AfterEach
    void stop() throws Exception {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void unreadableRecordsAreSkippedAndCountedAndTheFeedGoesOn() throws Exception {
        start(null);
        RawTopics.write(broker.kafka(), Topics.DEPLOY_EVENTS.name(), "web", "{\"type\":\"deployment.started\",\"eve");
        RawTopics.write(broker.kafka(), Topics.DEPLOY_EVENTS.name(), "web", (byte[]) null);
        publish(started("web-2"));

        JsonNode state = await().atMost(WAIT).until(() -> get("/api/state"), s -> s.path("deployments").size() == 1
                && s.path("undecodable").path("deploy.events").asLong() == 2);
        assertEquals("web-2", state.path("deployments").get(0).path("deploymentId").asText());
        assertEquals("ROLLING", state.path("deployments").get(0).path("phase").asText());
        assertEquals(10, state.path("windowSeconds").asInt());
        assertEquals(2.0, registry.get("kanary.dashboard.undecodable.records").tag("topic", "deploy.events").counter().count());
        assertTrue(registry.getMeters().stream().anyMatch(m -> m.getId().getName().startsWith("kafka.consumer.")),
                "the feed's consumer is bound to the registry");
    }

    @Test
    void showsTheWaitingBatchsEvidenceFromTheJudgementsTopic() throws Exception {
        start(null);
        publish(started("web-4"));
        publish(new Judgement.Progress("p-1", 1, "web-4", "web", "v2", 0, 1_240, 1_200, 0.004, 2.1, 3.689, 0.57, 0.4,
                8.3, 0.05, 12_000, 120_000, "batch 1/1 waiting 12.0s of 120.0s", T0.plusSeconds(12)));

        JsonNode evidence = await().atMost(WAIT).until(() -> get("/api/state").path("deployments").path(0).path("evidence"),
                e -> e.path("towardHealthy").asDouble() == 0.57);
        assertEquals(1, evidence.path("batch").asInt());
        assertEquals(0.05, evidence.path("towardBreach").asDouble());
        assertEquals(1_200, evidence.path("requests").asLong());
        assertTrue(evidence.path("verdict").isMissingNode(), "no verdict while it waits: " + evidence);

        publish(new Judgement.Healthy("j-1", 1, "web-4", "web", "v2", 0, 1_500, 0.003, 41.0, "mSPRT healthy on traffic",
                3.7, 3.689, "batch 1/1 healthy on 40 probes and 1460 requests", T0.plusSeconds(13)));
        await().atMost(WAIT).until(() -> get("/api/state").path("deployments").path(0).path("evidence"),
                e -> "healthy".equals(e.path("verdict").asText()) && e.path("towardHealthy").asDouble() == 1.0);
    }

    @Test
    void theLiveStreamPushesNewDeploymentsAndCountsItsBrowsers() throws Exception {
        start(null);
        HttpResponse<Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(url("/events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
        assertEquals(1.0, registry.get("kanary.dashboard.clients").gauge().value());

        publish(started("live-1"));
        Iterator<String> lines = stream.body().iterator();
        String data = "";
        while (!data.contains("\"deploymentId\":\"live-1\"")) {
            String line = lines.next(); // each push is an "event: state" line, then its "data:" line
            data = line.startsWith("data: ") ? line : "";
        }
        assertTrue(data.contains("\"phase\":\"ROLLING\""), data);

        stream.body().close();
        await().atMost(WAIT).until(() -> registry.get("kanary.dashboard.clients").gauge().value() == 0.0);
    }

    @Test
    void theTimelineIsTheAuditOfOneDeploymentAndAnUnknownOneIsAProblem() throws Exception {
        start(null);
        publish(started("web-3"));
        publish(new DeploymentEvent.Succeeded("e-2", 1, "web-3", "web", "v2", T0.plusSeconds(5)));

        JsonNode timeline = Json.mapper().readTree(send("GET", "/api/deployments/web-3/timeline", null, 200));
        List<String> summaries = timeline.path("deployments").get(0).path("events").findValuesAsText("summary");
        assertEquals(List.of("deployment started: v2 replacing v1 in 1 batch: [host-1]", "succeeded: v2 runs on every target host"),
                summaries);

        JsonNode unknown = Json.mapper().readTree(send("GET", "/api/deployments/nope/timeline", null, 404));
        assertEquals("No deployment nope on deploy.events; the page lists the known ones", unknown.path("detail").asText());
    }

    @Test
    void aControlSaysWhatIsMissingBeforeItReachesThePlanner() throws Exception {
        start(null);
        JsonNode noPlanner = Json.mapper().readTree(send("POST", "/api/deployments/web-2/pause", "Bearer t", 503));
        assertEquals("This dashboard does not know where the planner's API is: run it in the same 'kanary up' as the "
                + "planner, or set KANARY_PLANNER to the API's URL", noPlanner.path("detail").asText());
        dashboard.close();

        start("http://127.0.0.1:1");
        JsonNode noToken = Json.mapper().readTree(send("POST", "/api/deployments/web-2/pause", null, 401));
        assertEquals("Enter the API token first: 'kanary up' prints where its token file is (the line 'api token')",
                noToken.path("detail").asText());
        JsonNode unknownControl = Json.mapper().readTree(send("POST", "/api/deployments/web-2/reboot", "Bearer t", 404));
        assertEquals("The dashboard's controls are [pause, resume, abort, promote]", unknownControl.path("detail").asText());
        JsonNode unreachable = Json.mapper().readTree(send("POST", "/api/deployments/web-2/pause", "Bearer t", 502));
        assertTrue(unreachable.path("detail").asText().startsWith("The planner's API at http://127.0.0.1:1 did not answer"),
                unreachable.toString());
    }

    @Test
    void servesThePageAndUPlotFromItsWebjar() throws Exception {
        start(null);
        assertTrue(send("GET", "/", null, 200).contains("<title>kanary dashboard</title>"));
        assertTrue(send("GET", "/app.js", null, 200).contains("new EventSource(\"/events\")"));
        assertTrue(send("GET", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null, 200).contains("uPlot"));
    }

    private void start(String plannerUrl) {
        dashboard = DashboardService.start(DashboardConfig.defaults(broker.kafka()).withHttpPort(0).withPlannerUrl(plannerUrl)
                .withMeterRegistry(registry));
    }

    private void publish(DeploymentEvent event) throws Exception {
        RawTopics.write(broker.kafka(), Topics.DEPLOY_EVENTS.name(), event.service(),
                Topics.DEPLOY_EVENTS.valueSerde().serializer().serialize(Topics.DEPLOY_EVENTS.name(), event));
    }

    private void publish(Judgement judgement) throws Exception {
        RawTopics.write(broker.kafka(), Topics.JUDGEMENTS.name(), judgement.service(),
                Topics.JUDGEMENTS.valueSerde().serializer().serialize(Topics.JUDGEMENTS.name(), judgement));
    }

    private static DeploymentEvent.Started started(String id) {
        return new DeploymentEvent.Started("s-" + id, 1, id, "web", "v2", "v1", Map.of("host-1", "v1"), null, null,
                List.of(List.of("host-1")), "ops", T0);
    }

    private JsonNode get(String path) throws Exception {
        return Json.mapper().readTree(send("GET", path, null, 200));
    }

    private String send(String method, String path, String authorization, int expectedStatus) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url(path)).method(method,
                method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, answer.statusCode(), answer.body());
        return answer.body();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + dashboard.port() + path);
    }
}
