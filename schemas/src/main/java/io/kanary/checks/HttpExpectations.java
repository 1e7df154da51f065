package io.kanary.checks;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.kafka.Json;
import io.kanary.schema.HealthCheck;
import java.util.Optional;

/**
 * Judges one HTTP answer against an {@link HealthCheck.Http}: its status, then the value at its
 * body's JSON pointer. The reason names the expectation the answer missed, e.g.
 * {@code body /status was "degraded", expected "healthy"}.
 */
public final class HttpExpectations {
    /** How much of a body that is not JSON a reason quotes. */
    private static final int QUOTED_BODY_CHARS = 80;

    private HttpExpectations() {
    }

    /** Why the answer fails {@code check}, or empty when it passes. */
    public static Optional<String> failure(HealthCheck.Http check, int status, String body) {
        if (check.expectStatus().isEmpty() ? status < 200 || status > 299 : !check.expectStatus().contains(status)) {
            return Optional.of("status " + status + ", expected " + (check.expectStatus().isEmpty()
                    ? "2xx" : check.expectStatus().size() == 1 ? check.expectStatus().get(0)
                    : "one of " + check.expectStatus()));
        }
        HealthCheck.BodyExpectation expected = check.expectBody();
        return expected == null ? Optional.empty() : bodyFailure(expected, body);
    }

    private static Optional<String> bodyFailure(HealthCheck.BodyExpectation expected, String body) {
        String want = Json.mapper().valueToTree(expected.value()).toString();
        JsonNode tree;
        try {
            tree = body == null || body.isBlank() ? null : Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            tree = null;
        }
        if (tree == null) {
            return Optional.of("body is not JSON (" + quoted(body) + "), expected " + expected.pointer() + " " + want);
        }
        JsonNode actual = tree.at(JsonPointer.compile(expected.pointer()));
        if (actual.isMissingNode()) {
            return Optional.of("body has no " + expected.pointer() + ", expected " + want);
        }
        return sameValue(actual, expected.value()) ? Optional.empty()
                : Optional.of("body " + expected.pointer() + " was " + actual + ", expected " + want);
    }

    /** JSON equality, except that numbers are equal by value: 1 equals 1.0, and "1" never equals 1. */
    static boolean sameValue(JsonNode actual, JsonNode expected) {
        JsonNode want = expected == null ? Json.mapper().nullNode() : expected;
        if (actual.isNumber() && want.isNumber()) {
            return actual.decimalValue().compareTo(want.decimalValue()) == 0;
        }
        return actual.equals(want);
    }

    private static String quoted(String body) {
        if (body == null || body.isEmpty()) {
            return "empty";
        }
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return "\"" + (oneLine.length() > QUOTED_BODY_CHARS ? oneLine.substring(0, QUOTED_BODY_CHARS) + "…" : oneLine)
                + "\"";
    }
}
