package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code kanary deploy --traffic-metrics PATH}, as it reaches the planner's API ({@link PlannerDouble}). */
class DeployTrafficTest {
    private static final String REQUESTED = "{\"deploymentId\":\"web-7\",\"phase\":\"ROLLING\"}";
    private PlannerDouble planner;

    @BeforeEach
    void start() throws IOException {
        planner = new PlannerDouble();
        planner.on("POST /v1/deployments", 202, REQUESTED);
    }

    @AfterEach
    void stop() {
        planner.close();
    }

    @Test
    void shouldSetThePolicysTrafficSourceWithThePathAndMicrometersDefaults() {
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--traffic-metrics", "/actuator/prometheus",
                "--", "./web");

        assertEquals(0, run.exit(), run.toString());
        assertEquals("{\"path\":\"/actuator/prometheus\",\"intervalMs\":1000,"
                        + "\"requestsMetric\":\"http_server_requests_seconds_count\","
                        + "\"latencyMetric\":\"http_server_requests_seconds_bucket\",\"statusLabel\":\"status\","
                        + "\"errorStatus\":\"5..\"}",
                planner.seen("POST /v1/deployments").get(0).body().path("policy").path("traffic").toString());
    }

    @Test
    void shouldJudgeByProbesOnlyWithoutTheFlag() {
        CliRun run = run("deploy", "--service", "web", "--version", "v2", "--", "./web");

        assertEquals(0, run.exit(), run.toString());
        var traffic = planner.seen("POST /v1/deployments").get(0).body().path("policy").path("traffic");
        assertTrue(traffic.isMissingNode() || traffic.isNull(), traffic.toString());
    }

    private CliRun run(String... words) {
        String[] args = new String[words.length + 2];
        args[0] = words[0];
        args[1] = "--planner";
        args[2] = planner.url();
        System.arraycopy(words, 1, args, 3, words.length - 1);
        return CliRun.of(args);
    }
}
