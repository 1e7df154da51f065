package io.kanary.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands {@code kanary up} suggests carry the addresses the stack runs on, and only the flags needed. */
class StackHintsTest {

    @Test
    void shouldSuggestBareCommandsOnTheDefaultPorts() {
        assertEquals(List.of("try:  ./kanary deploy --help   ./kanary status   ./kanary watch   ./kanary audit"),
                new StackHints("http://127.0.0.1:8080", "localhost:9092").lines(null, null));
    }

    @Test
    void shouldNameThePortsTheStackRunsOnWhenTheyAreNotTheDefaults() {
        assertEquals(List.of("try:  ./kanary deploy --help --planner http://127.0.0.1:18600   ./kanary status --planner "
                                + "http://127.0.0.1:18600   ./kanary watch --bootstrap-server localhost:18601   ./kanary audit "
                                + "--bootstrap-server localhost:18601",
                        "or, to drop the flags, in that shell:  export KANARY_PLANNER=http://127.0.0.1:18600 "
                                + "KAFKA_BOOTSTRAP_SERVERS=localhost:18601"),
                new StackHints("http://127.0.0.1:18600", "localhost:18601").lines(null, null));
    }

    @Test
    void shouldLeaveOutWhatTheShellsEnvironmentAlreadySays() {
        assertEquals(List.of("try:  ./kanary deploy --help   ./kanary status   ./kanary watch   ./kanary audit"),
                new StackHints("http://127.0.0.1:18600", "localhost:18601").lines("http://127.0.0.1:18600", "localhost:18601"));
    }

    @Test
    void shouldSuggestOnlyKafkaVerbsWithoutAPlannerHere() {
        assertEquals(List.of("try:   ./kanary watch --bootstrap-server kafka:9092   ./kanary audit --bootstrap-server kafka:9092",
                        "or, to drop the flags, in that shell:  export KAFKA_BOOTSTRAP_SERVERS=kafka:9092"),
                new StackHints(null, "kafka:9092").lines(null, null));
    }

    @Test
    void shouldReachAWildcardBindOnTheLoopback() {
        assertEquals("http://127.0.0.1:18600", StackHints.plannerUrl("0.0.0.0", 18600));
        assertEquals("http://10.0.0.5:8080", StackHints.plannerUrl("10.0.0.5", 8080));
        assertEquals("http://[::1]:8080", StackHints.plannerUrl("::1", 8080));
    }
}
