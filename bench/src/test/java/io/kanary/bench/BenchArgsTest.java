package io.kanary.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.bench.broker.BenchFlagsOfBroker;
import io.kanary.bench.prometheus.ReplayBenchOptions;
import io.kanary.bench.scenario.BenchFlagsOfScenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every benchmark's command line: --help, a typo, a value that is no number, a value out of range. */
public class BenchArgsTest {

    /** One parse, with what it printed. */
    public record Outcome(BenchArgs.Parsed<?> parsed, String out, String err) {
        int exit() {
            return parsed.exitCode();
        }
    }

    public static <F, O> Outcome parse(F flags, Function<F, O> build, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BenchArgs.Parsed<O> parsed = BenchArgs.parse(flags, args, build, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(parsed, out.toString(), err.toString());
    }

    /** Each benchmark by its name, as a parse of the given arguments. */
    static Stream<Arguments> benchmarks() {
        return Stream.of(
                Arguments.of("RollbackBench", (Function<String[], Outcome>) args ->
                        parse(new BenchOptions.Flags(), f -> f.options(Map.of("KANARY_DOCKER_HOSTS", "host-1=unix:///d.sock")), args)),
                Arguments.of("PrometheusReplayBench", (Function<String[], Outcome>) args ->
                        parse(new ReplayBenchOptions.Flags(), ReplayBenchOptions.Flags::options, args)),
                Arguments.of("ScenarioBench", (Function<String[], Outcome>) BenchFlagsOfScenario::scenarioBench),
                Arguments.of("BrokerScenarioCheck", (Function<String[], Outcome>) BenchFlagsOfBroker::brokerScenarioCheck),
                Arguments.of("BrokerLatencyBench", (Function<String[], Outcome>) BenchFlagsOfBroker::brokerLatencyBench));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void shouldRunWithItsDefaults(String name, Function<String[], Outcome> parse) {
        Outcome outcome = parse.apply(new String[0]);
        assertEquals(0, outcome.exit(), outcome.err());
        assertTrue(outcome.parsed().options() != null, name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void shouldPrintItsUsageOnHelpAndRunNothing(String name, Function<String[], Outcome> parse) {
        Outcome outcome = parse.apply(new String[] {"--help"});
        assertAll(() -> assertEquals(0, outcome.exit()), () -> assertNull(outcome.parsed().options()),
                () -> assertTrue(outcome.out().startsWith("Usage: " + name + " "), outcome.out()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void shouldRefuseAnUnknownOptionWithUsageAndExitTwo(String name, Function<String[], Outcome> parse) {
        Outcome outcome = parse.apply(new String[] {"--runz", "3"});
        assertAll(() -> assertEquals(2, outcome.exit()), () -> assertNull(outcome.parsed().options()),
                () -> assertTrue(outcome.err().startsWith("Unknown options: '--runz', '3'"), outcome.err()),
                () -> assertTrue(outcome.err().contains("Usage: " + name + " "), outcome.err()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void shouldRefuseAnOptionWithoutItsValue(String name, Function<String[], Outcome> parse) {
        String flag = name.equals("BrokerScenarioCheck") || name.equals("PrometheusReplayBench") ? "--seeds" : "--runs";
        Outcome outcome = parse.apply(new String[] {flag});
        assertEquals(2, outcome.exit(), outcome.err());
        assertTrue(outcome.err().startsWith("Missing required parameter for option '" + flag + "'"), outcome.err());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchmarks")
    void shouldRefuseACountThatIsNoNumberOrBelowOne(String name, Function<String[], Outcome> parse) {
        String flag = name.equals("BrokerScenarioCheck") || name.equals("PrometheusReplayBench") ? "--seeds" : "--runs";
        Outcome notANumber = parse.apply(new String[] {flag, "ten"});
        assertEquals(2, notANumber.exit(), notANumber.err());
        assertTrue(notANumber.err().startsWith("Invalid value for option '" + flag + "': 'ten' is not an int"), notANumber.err());

        Outcome zero = parse.apply(new String[] {flag, "0"});
        assertEquals(2, zero.exit(), zero.err());
        assertTrue(zero.err().contains(flag), zero.err());
        assertTrue(zero.err().contains("Usage: " + name + " "), zero.err());
    }

    @Test
    void shouldTakeRollbackBenchsEngineFromTheFlagOrElseTheEnvironment() {
        BenchOptions fromEnv = new BenchOptions.Flags().options(Map.of("KANARY_DOCKER_HOSTS", "host-1=unix:///a.sock,host-2=unix:///b.sock"));
        assertEquals("unix:///a.sock", fromEnv.endpoint());
        Outcome flagged = parse(new BenchOptions.Flags(), f -> f.options(Map.of()), "--endpoint", "unix:///c.sock", "--runs", "3",
                "--busybox", "/opt/busybox");
        assertEquals(new BenchOptions(3, "unix:///c.sock", Path.of("/opt/busybox")), flagged.parsed().options());

        Outcome none = parse(new BenchOptions.Flags(), f -> f.options(Map.of()));
        assertEquals(2, none.exit());
        assertTrue(none.err().startsWith("no Docker engine: pass --endpoint unix:///... or set KANARY_DOCKER_HOSTS"), none.err());
    }

    @Test
    void shouldRefuseAnUnknownScenarioNamingIt() {
        Outcome outcome = parse(new ReplayBenchOptions.Flags(), ReplayBenchOptions.Flags::options, "--scenarios", "sudden-30%,nope");
        assertEquals(2, outcome.exit());
        assertTrue(outcome.err().startsWith("no scenario nope"), outcome.err());
        assertEquals(List.of(Duration.ofSeconds(15)), List.of(((ReplayBenchOptions) parse(new ReplayBenchOptions.Flags(),
                ReplayBenchOptions.Flags::options).parsed().options()).stagger()));
    }
}
