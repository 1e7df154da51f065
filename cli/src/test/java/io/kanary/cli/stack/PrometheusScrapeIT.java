package io.kanary.cli.stack;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.cli.demo.DemoScenario;
import io.kanary.kafka.Ids;
import io.kanary.schema.Policy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scrapes a {@code kanary up} stack while the demo's failing v2 rolls out, and
 * PromQL through its HTTP API finds the rollback, the probes and the target up.
 */
class PrometheusScrapeIT {
    private static final List<String> HOSTS = List.of("host-1", "host-2", "host-3");
    /** Bounds a hang, not the machine's speed: on a loaded 2-core machine a demo-app JVM took 25 s to listen. */
    private static final Duration ROLLOUT = Duration.ofMinutes(5);
    private static final Duration SCRAPED = Duration.ofSeconds(60);
    /** The demo's policy with a health deadline that a slowly starting JVM does not outlast. */
    private static final Policy POLICY = new Policy(0.10, 2_000L, null, 20, 100L, 5, 2_000L, 150_000L);
    private static final PrintStream OUT = System.out;

    @Test
    void shouldFindTheDemosRollbackThroughPromQl() throws Exception {
        String prometheus = PrometheusProcess.requireBinary();
        try (KanaryStack stack = KanaryStack.start(StackOptions.processes(null, 0,
                Files.createTempDirectory("kanary-prometheus-it-"), EnumSet.allOf(ServiceName.class), HOSTS, 0, 200), OUT);
             PrometheusProcess server = PrometheusProcess.start(prometheus, stack.metricsUrl())) {
            assertEquals("http://127.0.0.1:" + stack.plannerPort() + "/metrics", stack.metricsUrl(),
                    "with the planner here and no --metrics-port, /metrics is on the planner's port");
            await().atMost(SCRAPED).until(server::ready);
            DemoScenario demo = new DemoScenario(stack.plannerClient(), HOSTS, io.kanary.cli.stack.Driver.PROCESS, OUT,
                    ROLLOUT);
            demo.awaitHosts();
            String run = Ids.newId().substring(0, 8);

            assertEquals("SUCCEEDED", demo.rollout("demo-v1-" + run, "v1", 0.0, HOSTS.size(), POLICY));
            assertEquals("ROLLED_BACK", demo.rollout("demo-v2-" + run, "v2", 0.30, 1, POLICY));

            await().atMost(SCRAPED).untilAsserted(() -> assertEquals(OptionalDouble.of(1.0), server.query(
                    "kanary_deployments_ended_total{job=\"kanary\",service=\"demo\",outcome=\"rolled_back\"}"),
                    server::log));
            assertEquals(OptionalDouble.of(1.0), server.query("up{job=\"kanary\"}"));
            double probes = server.query("sum(kanary_probes_total{job=\"kanary\",service=\"demo\"})").orElse(0);
            assertTrue(probes > 0, "probes scraped: " + probes);
            assertEquals(OptionalDouble.of(2.0), server.query(
                    "kanary_deployments_started_total{job=\"kanary\",service=\"demo\"}"));
            assertEquals(OptionalDouble.of(1.0), server.query(
                    "kanary_deployment_phase_seconds_count{job=\"kanary\",phase=\"rolled_back\"}"));
            // The detector's side of the same rollback, in the same scrape: which test decided, and how fast.
            await().atMost(SCRAPED).untilAsserted(() -> assertEquals(OptionalDouble.of(1.0), server.query(
                    "sum(kanary_rollbacks_total{job=\"kanary\",service=\"demo\",cause=\"breach\"})"), server::log));
            assertEquals(OptionalDouble.of(1.0), server.query(
                    "kanary_rollback_decision_seconds_count{job=\"kanary\"}"));
            assertTrue(server.query("sum(kanary_detector_probes_judged_total{job=\"kanary\",service=\"demo\"})")
                    .orElse(0) > 0, "the detector judged the demo's probes");
            // What the shipped alert rules read is there to be read.
            for (String gauge : List.of("kanary_deployment_deadline_overrun_seconds", "kanary_planner_commands_in_flight",
                    "kanary_executor_commands_in_flight", "kanary_watcher_instances", "kanary_dashboard_clients")) {
                assertTrue(server.query(gauge + "{job=\"kanary\"}").isPresent(), gauge + " is scraped");
            }
            assertEquals(OptionalDouble.of(3.0), server.query(
                    "count(kanary_host_heartbeat_age_seconds{job=\"kanary\"} < 60)"), "every host's executor heartbeats");
            double consumersWithLag = server.query(
                    "count(kafka_consumer_fetch_manager_records_lag_max{job=\"kanary\"})").orElse(0);
            assertTrue(consumersWithLag >= 3, "the planner's, the executor's and the watcher's consumers: " + consumersWithLag);
        }
    }
}
