package io.kanary.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kanary.schema.HealthCheck;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpExpectationsTest {

    private static HealthCheck.Http status(Integer... statuses) {
        return new HealthCheck.Http(null, List.of(statuses), null, null);
    }

    private static HealthCheck.Http body(String pointer, JsonNode equals) {
        return new HealthCheck.Http(null, null, new HealthCheck.BodyExpectation(pointer, equals), null);
    }

    @Test
    void shouldPassAny2xxWhenNoStatusIsExpected() {
        assertEquals(Optional.empty(), HttpExpectations.failure(status(), 204, ""));
        assertEquals(Optional.of("status 302, expected 2xx"), HttpExpectations.failure(status(), 302, ""));
        assertEquals(Optional.of("status 503, expected 2xx"), HttpExpectations.failure(status(), 503, ""));
    }

    @Test
    void shouldPassOnlyTheListedStatuses() {
        assertEquals(Optional.empty(), HttpExpectations.failure(status(200, 204), 204, ""));
        assertEquals(Optional.of("status 202, expected one of [200, 204]"),
                HttpExpectations.failure(status(200, 204), 202, ""));
        assertEquals(Optional.of("status 200, expected 418"), HttpExpectations.failure(status(418), 200, ""));
    }

    @Test
    void shouldCompareAStringAtThePointer() {
        HealthCheck.Http healthy = body("/status", TextNode.valueOf("healthy"));

        assertEquals(Optional.empty(), HttpExpectations.failure(healthy, 200, "{\"status\":\"healthy\",\"v\":\"v2\"}"));
        assertEquals(Optional.of("body /status was \"degraded\", expected \"healthy\""),
                HttpExpectations.failure(healthy, 200, "{\"status\":\"degraded\"}"));
    }

    @Test
    void shouldCompareNumbersByValueButNeverAStringWithANumber() {
        HealthCheck.Http three = body("/checks/db/replicas", IntNode.valueOf(3));

        assertEquals(Optional.empty(), HttpExpectations.failure(three, 200, "{\"checks\":{\"db\":{\"replicas\":3}}}"));
        assertEquals(Optional.empty(), HttpExpectations.failure(three, 200, "{\"checks\":{\"db\":{\"replicas\":3.0}}}"));
        assertEquals(Optional.of("body /checks/db/replicas was 2, expected 3"),
                HttpExpectations.failure(three, 200, "{\"checks\":{\"db\":{\"replicas\":2}}}"));
        assertEquals(Optional.of("body /checks/db/replicas was \"3\", expected 3"),
                HttpExpectations.failure(three, 200, "{\"checks\":{\"db\":{\"replicas\":\"3\"}}}"));
        assertEquals(Optional.of("body /load was 0.75, expected 0.5"),
                HttpExpectations.failure(body("/load", DoubleNode.valueOf(0.5)), 200, "{\"load\":0.75}"));
    }

    @Test
    void shouldCompareBooleansAndNullAndArrayElements() {
        assertEquals(Optional.empty(), HttpExpectations.failure(body("/ready", BooleanNode.TRUE), 200, "{\"ready\":true}"));
        assertEquals(Optional.of("body /ready was false, expected true"),
                HttpExpectations.failure(body("/ready", BooleanNode.TRUE), 200, "{\"ready\":false}"));
        assertEquals(Optional.of("body /ready was \"true\", expected true"),
                HttpExpectations.failure(body("/ready", BooleanNode.TRUE), 200, "{\"ready\":\"true\"}"));
        assertEquals(Optional.empty(), HttpExpectations.failure(body("/error", NullNode.getInstance()), 200,
                "{\"error\":null}"));
        assertEquals(Optional.empty(), HttpExpectations.failure(body("/nodes/1", TextNode.valueOf("b")), 200,
                "{\"nodes\":[\"a\",\"b\"]}"));
    }

    @Test
    void shouldNameAMissingPointer() {
        assertEquals(Optional.of("body has no /status, expected \"healthy\""),
                HttpExpectations.failure(body("/status", TextNode.valueOf("healthy")), 200, "{\"state\":\"healthy\"}"));
    }

    @Test
    void shouldNameABodyThatIsNotJson() {
        HealthCheck.Http healthy = body("/status", TextNode.valueOf("healthy"));

        assertEquals(Optional.of("body is not JSON (\"<html>OK</html>\"), expected /status \"healthy\""),
                HttpExpectations.failure(healthy, 200, "<html>OK</html>"));
        assertEquals(Optional.of("body is not JSON (empty), expected /status \"healthy\""),
                HttpExpectations.failure(healthy, 200, ""));
    }

    @Test
    void shouldJudgeTheStatusBeforeTheBody() {
        HealthCheck.Http check = new HealthCheck.Http(null, List.of(200),
                new HealthCheck.BodyExpectation("/status", TextNode.valueOf("healthy")), null);

        assertEquals(Optional.of("status 500, expected 200"),
                HttpExpectations.failure(check, 500, "{\"status\":\"healthy\"}"));
    }
}
