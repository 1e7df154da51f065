package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every verb as a user meets it first: help, a bad flag, the planner or Kafka not there, an address
 * that is no address. Each answer is one sentence naming the fix and a documented exit code, never
 * a stack trace. Nothing listens where these runs point, so no broker or planner is needed.
 */
class CliVerbsTest {

    @ParameterizedTest
    @ValueSource(strings = {"up", "deploy", "status", "watch", "rollback", "audit"})
    void shouldPrintHelpAndExitZero(String verb) {
        CliRun run = CliRun.of(verb, "--help");
        assertAll(run.toString(),
                () -> assertEquals(0, run.exit()),
                () -> assertTrue(run.out().startsWith("Usage: kanary " + verb)),
                () -> assertEquals("", run.err()));
    }

    @Test
    void shouldKeepDeployVersionAsTheServiceVersion() {
        CliRun help = CliRun.of("deploy", "-h");
        assertTrue(help.out().contains("--version=<version>   Version of the service to roll out"), help.toString());
        assertFalse(help.out().contains("-V,"), help.toString());
        assertEquals("kanary 0.1.0", CliRun.of("--version").out().trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"up", "deploy --service web --version v2", "status", "watch", "rollback web-1", "audit"})
    void shouldRefuseAnUnknownFlagWithUsageAndExitTwo(String words) {
        String verb = words.split(" ")[0];
        CliRun run = CliRun.of((words + " --no-such-flag").split(" "));
        assertAll(run.toString(),
                () -> assertEquals(2, run.exit()),
                () -> assertTrue(run.err().startsWith("Unknown option: '--no-such-flag'")),
                () -> assertTrue(run.err().contains("Usage: kanary " + verb)));
    }

    @Test
    void shouldNameTheMissingOptionsOfDeploy() {
        CliRun run = CliRun.of("deploy", "--version", "v2");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Missing required option: '--service=<service>'"), run.toString());
    }

    @Test
    void shouldRefuseANumberFlagThatIsNoNumber() {
        CliRun run = CliRun.of("deploy", "--service", "web", "--version", "v2", "--batch-size", "two");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Invalid value for option '--batch-size': 'two' is not an int"), run.toString());
    }

    @Test
    void shouldSayThePlannerIsDownForDeployNamingItsUrlAndTheFix() throws Exception {
        String planner = "http://127.0.0.1:" + CliRun.closedPort();
        CliRun run = CliRun.of("deploy", "--planner", planner, "--service", "web", "--version", "v2", "--", "./web");
        assertEquals(3, run.exit(), run.toString());
        assertEquals("error: couldn't connect to the planner at " + planner + ": nothing accepts connections there. "
                + "Is 'kanary up' running? Point the CLI at the planner with --planner URL or KANARY_PLANNER.\n",
                run.err());
        assertEquals("", run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "status web-1", "rollback web-1"})
    void shouldSayThePlannerIsDownForEveryPlannerVerb(String words) throws Exception {
        String planner = "http://127.0.0.1:" + CliRun.closedPort();
        String[] args = (words + " --planner " + planner).split(" ");
        CliRun run = CliRun.of(args);
        assertEquals(3, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: couldn't connect to the planner at " + planner + ":"), run.toString());
        assertFalse(run.err().contains("Exception"), run.toString());
        assertFalse(run.err().contains("\tat "), run.toString());
    }

    @Test
    void shouldSayWhenThePlannersHostDoesNotResolve() {
        CliRun run = CliRun.of("status", "--planner", "http://no-such-host.invalid:8080");
        assertEquals(3, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: couldn't connect to the planner at http://no-such-host.invalid:8080: "
                + "its host name does not resolve."), run.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "planner", "ftp://127.0.0.1:8080", "http://"})
    void shouldRefuseAPlannerUrlThatIsNoHttpUrlAsABadFlag(String url) {
        CliRun run = CliRun.of("status", "--planner", url);
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("--planner '" + url + "' is not a URL of the planner's API: give http://HOST:PORT"),
                run.toString());
    }

    @Test
    void shouldSayWhenWhatAnswersIsNotThePlanner() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] page = "<html>a web page</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        other.start();
        try {
            String url = "http://127.0.0.1:" + other.getAddress().getPort();
            CliRun run = CliRun.of("status", "--planner", url);
            assertEquals(3, run.exit(), run.toString());
            assertTrue(run.err().startsWith("error: what answers at " + url + " is not the planner's API"), run.toString());
        } finally {
            other.stop(0);
        }
    }

    @Test
    void shouldSayKafkaIsDownForWatchNamingTheAddressAndTheFix() throws Exception {
        String kafka = "127.0.0.1:" + CliRun.closedPort();
        CliRun run = CliRun.of("watch", "--bootstrap-server", kafka, "--connect-timeout-s", "2");
        assertEquals(3, run.exit(), run.toString());
        assertEquals("error: couldn't reach Kafka at " + kafka + " within 2 s. Is 'kanary up' running? Point the CLI at a "
                + "broker with --bootstrap-server HOST:PORT or KAFKA_BOOTSTRAP_SERVERS.\n", run.err());
    }

    @Test
    void shouldSayKafkaIsDownForAuditNamingTheAddressAndTheFix() throws Exception {
        String kafka = "127.0.0.1:" + CliRun.closedPort();
        CliRun run = CliRun.of("audit", "--bootstrap-server", kafka, "--timeout-s", "2");
        assertEquals(3, run.exit(), run.toString());
        assertEquals("error: couldn't reach Kafka at " + kafka + " in time. Is 'kanary up' running? Point the CLI at a "
                + "broker with --bootstrap-server HOST:PORT or KAFKA_BOOTSTRAP_SERVERS.\n", run.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"audit", "watch"})
    void shouldRefuseABootstrapAddressWithoutPortAsABadFlag(String verb) {
        CliRun run = CliRun.of(verb, "--bootstrap-server", "localhost");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("--bootstrap-server 'localhost' is not a Kafka address: give HOST:PORT"),
                run.toString());
    }

    @Test
    void shouldNameTheBusyPortAndItsFlagBeforeStartingAnything() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            CliRun kafka = CliRun.of("up", "--kafka-port", String.valueOf(port));
            assertEquals(1, kafka.exit(), kafka.toString());
            assertEquals("error: port " + port + " on localhost is in use (--kafka-port, env KANARY_KAFKA_PORT): stop what "
                    + "listens there (is another 'kanary up' running?), or give another port, or 0 for a free one\n", kafka.err());
            CliRun planner = CliRun.of("up", "--kafka-port", "0", "--http-port", String.valueOf(port));
            assertEquals(1, planner.exit(), planner.toString());
            assertTrue(planner.err().startsWith("error: port " + port + " on 127.0.0.1 is in use (--http-port, env "
                    + "PLANNER_HTTP_PORT)"), planner.toString());
        }
    }

    @Test
    void shouldRefuseHostLabelsThatAreNoLabelValuePairsBeforeStartingAnything() {
        CliRun run = CliRun.of("up", "--host-labels", "env=staging,zone");
        assertEquals(2, run.exit(), run.toString());
        assertEquals("error: --host-labels must be label=value pairs separated by commas, e.g. env=staging,zone=a; "
                + "'zone' is not one\n", run.err());
    }

    @Test
    void shouldRefuseAnUpWithABadDriver() {
        CliRun run = CliRun.of("up", "--driver", "kubernetes");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("Invalid value for option '--driver'"), run.toString());
    }
}
