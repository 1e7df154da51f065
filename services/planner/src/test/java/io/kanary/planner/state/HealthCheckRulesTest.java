package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kanary.kafka.Json;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.Hooks;
import io.kanary.security.RunAllowList;
import io.kanary.security.RunRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A deploy request's health check and hooks, as JSON gives them. */
class HealthCheckRulesTest {
    private static final RunAllowList PYTHON_ONLY = RunAllowList.NOTHING.with(RunAllowList.EVERY_SERVICE,
            new RunRule(List.of("/usr/bin/python3"), List.of(), List.of()));

    @Test
    void shouldAcceptEachKindOfCheck() throws JsonProcessingException {
        assertEquals(List.of(), RequestValidator.validate(request("""
                {"kind": "http", "path": "/ready", "expectStatus": [200, 204],
                 "expectBody": {"pointer": "/status", "equals": "healthy"}, "timeoutMs": 500}""")));
        assertEquals(List.of(), RequestValidator.validate(request("""
                {"kind": "http", "expectBody": {"pointer": "/checks/0/up", "equals": true}}""")));
        assertEquals(List.of(), RequestValidator.validate(request("{\"kind\": \"tcp\"}")));
        assertEquals(List.of(), RequestValidator.validate(request("""
                {"kind": "command", "command": ["/usr/bin/python3", "ready.py", "{port}"], "expectExitCode": 0}"""),
                PYTHON_ONLY));
    }

    @Test
    void shouldNameEveryBrokenRuleOfAnHttpCheck() throws JsonProcessingException {
        List<Violation> violations = RequestValidator.validate(request("""
                {"kind": "http", "path": "ready", "expectStatus": [200, 700, 200], "timeoutMs": 0,
                 "expectBody": {"pointer": "status", "equals": {"state": "up"}}}"""));

        assertEquals(List.of(
                new Violation("run.check.timeoutMs", "must be at least 1 (ms), was 0"),
                new Violation("run.check.path", "must start with '/', was \"ready\""),
                new Violation("run.check.expectStatus[1]", "must be an HTTP status from 100 to 599, was 700"),
                new Violation("run.check.expectStatus", "must not name a status twice"),
                new Violation("run.check.expectBody.pointer", "must be a JSON pointer (RFC 6901) such as \"/status\" "
                        + "or \"/checks/0/state\", was \"status\""),
                new Violation("run.check.expectBody.equals", "must be a string, number, boolean or null, was "
                        + "{\"state\":\"up\"}")), violations);
    }

    @Test
    void shouldRequireTheExpectedValueButAcceptNull() throws JsonProcessingException {
        assertEquals(List.of(new Violation("run.check.expectBody.equals", "required: the value expected at the "
                        + "pointer, e.g. \"healthy\", 3 or true")),
                RequestValidator.validate(request("{\"kind\": \"http\", \"expectBody\": {\"pointer\": \"/status\"}}")));
        assertEquals(List.of(), RequestValidator.validate(request(
                "{\"kind\": \"http\", \"expectBody\": {\"pointer\": \"/error\", \"equals\": null}}")));
    }

    @Test
    void shouldNameTheBrokenRulesOfACommandCheck() throws JsonProcessingException {
        assertEquals(List.of(
                new Violation("run.check.command", "required: the argv to run, e.g. [\"/usr/local/bin/ready\", "
                        + "\"--port\", \"{port}\"]"),
                new Violation("run.check.expectExitCode", "must be an exit code from 0 to 255, was 300")),
                RequestValidator.validate(request("{\"kind\": \"command\", \"command\": [], \"expectExitCode\": 300}")));
    }

    @Test
    void shouldRefuseACommandCheckWhoseProgramIsNotOnTheAllowList() throws JsonProcessingException {
        List<Violation> violations = RequestValidator.validate(request(
                "{\"kind\": \"command\", \"command\": [\"/usr/bin/curl\", \"-f\", \"http://127.0.0.1:{port}/\"]}"),
                PYTHON_ONLY);

        assertEquals(1, violations.size(), violations.toString());
        assertEquals("run.check.command[0]", violations.get(0).field());
        assertTrue(violations.get(0).rule().startsWith("executable /usr/bin/curl is not on the allow-list of service "
                + "web (allowed: /usr/bin/python3)"), violations.get(0).rule());
    }

    @Test
    void shouldRefuseAnUnknownKindAsMalformed() {
        JsonProcessingException e = org.junit.jupiter.api.Assertions.assertThrows(JsonProcessingException.class,
                () -> request("{\"kind\": \"grpc\"}"));

        assertTrue(e.getMessage().contains("grpc"), e.getMessage());
    }

    @Test
    void shouldNameTheBrokenRulesOfHooks() throws JsonProcessingException {
        Hooks hooks = Json.mapper().readValue("""
                {"preDeploy": {"command": ["/usr/bin/pg_dump", "shop"], "host": "host-9", "timeoutMs": 0},
                 "smoke": {"command": [], "http": []}}""", Hooks.class);
        List<Violation> out = new ArrayList<>();

        HealthCheckRules.validateHooks("web", hooks, List.of("host-1", "host-2"), PYTHON_ONLY, out);

        assertEquals(List.of("hooks.preDeploy.timeoutMs", "hooks.preDeploy.host", "hooks.preDeploy.command[0]",
                "hooks.smoke"), out.stream().map(Violation::field).toList());
        assertEquals("must be one of the request's hosts [host-1, host-2], was \"host-9\"", out.get(1).rule());
    }

    private static DeployRequest request(String check) throws JsonProcessingException {
        return Json.mapper().readValue("""
                {"eventId": "e-1", "schemaVersion": 1, "service": "web", "version": "v2",
                 "run": {"command": ["/usr/bin/python3", "-m", "http.server", "{port}"], "check": %s}}"""
                .formatted(check), DeployRequest.class);
    }
}
