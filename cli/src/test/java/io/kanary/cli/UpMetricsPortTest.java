package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code kanary up --metrics-port}: a port it cannot serve /metrics on is refused before anything starts. */
class UpMetricsPortTest {

    @Test
    void shouldNameABusyMetricsPortAndItsFlag() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            CliRun run = CliRun.of("up", "--kafka-port", "0", "--http-port", "0", "--metrics-port", String.valueOf(port));

            assertEquals(1, run.exit(), run.toString());
            assertTrue(run.err().startsWith("error: port " + port + " on 127.0.0.1 is in use (--metrics-port, env "
                    + "KANARY_METRICS_PORT)"), run.toString());
        }
    }

    @Test
    void shouldRefuseTheMetricsPortWhenItIsThePlannersOwn() throws Exception {
        String port = String.valueOf(CliRun.closedPort());
        CliRun run = CliRun.of("up", "--kafka-port", "0", "--http-port", port, "--metrics-port", port);

        assertEquals(2, run.exit(), run.toString());
        assertEquals("error: --metrics-port " + port + " is the planner's --http-port: leave --metrics-port out to serve "
                + "/metrics there, or give another port\n", run.err());
    }

    @Test
    void shouldRefuseAMetricsPortBelowMinusOne() {
        CliRun run = CliRun.of("up", "--kafka-port", "0", "--http-port", "0", "--metrics-port", "-2");

        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: --metrics-port must be -1"), run.toString());
    }
}
