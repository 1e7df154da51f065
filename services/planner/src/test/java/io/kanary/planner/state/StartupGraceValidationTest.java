package io.kanary.planner.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.Policy;
import io.kanary.schema.RunSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy's start-up grace, as a deploy request gives it. */
class StartupGraceValidationTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldRefuseANegativeStartupGraceNamingTheField() {
        List<Violation> violations = RequestValidator.validate(request(Policy.defaults().withStartupGraceMs(-1)));

        assertEquals(List.of(new Violation("policy.startupGraceMs", "must be at least 0 (0: no start-up grace); was -1")),
                violations);
    }

    @Test
    void shouldAcceptNoGraceAndTakeTheDefaultWhenAbsent() {
        assertEquals(List.of(), RequestValidator.validate(request(Policy.defaults().withStartupGraceMs(0))));
        assertEquals(30_000L, request(Policy.defaults()).policy().startupGraceMs());
    }

    private static DeployRequest request(Policy policy) {
        return new DeployRequest("e-1", 1, "d-1", "web", "v2", RunSpec.process(List.of("app"), Map.of()),
                List.of("host-1"), 1, policy, "test", T0);
    }
}
