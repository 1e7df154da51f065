package io.kanary.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.kanary.planner.http.auth.ApiAuth;
import io.kanary.security.RunAllowList;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerConfigTest {
    @Test
    void shouldKeepAuthAllowListAndMetersWhateverOrderTheSettingsAreGivenIn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PlannerConfig config = PlannerConfig.defaults(Map.of("bootstrap.servers", "localhost:1"))
                .withAuth(ApiAuth.NOBODY).withAllowList(RunAllowList.ANYTHING).withMeterRegistry(registry)
                .withHttpHost("0.0.0.0").withHttpPort(0);

        assertEquals("0.0.0.0", config.httpHost());
        assertEquals(0, config.httpPort());
        assertSame(ApiAuth.NOBODY, config.auth());
        assertSame(RunAllowList.ANYTHING, config.allowList());
        assertSame(registry, config.meterRegistry());
    }

    @Test
    void shouldWaitForJudgementsInItsOwnProcessUnlessToldNotTo() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:1", "PLANNER_AUTH", "none");

        assertEquals(true, PlannerConfig.fromEnv(env).requireEvidence());
        assertEquals(false, PlannerConfig.fromEnv(new java.util.HashMap<>(env) {{
            put("KANARY_REQUIRE_EVIDENCE", "false");
        }}).requireEvidence());
        assertEquals(false, PlannerConfig.defaults(Map.of("bootstrap.servers", "localhost:1")).requireEvidence(),
                "embedded without a breach-detector, it promotes on health gates alone");
        assertEquals(true, PlannerConfig.defaults(Map.of("bootstrap.servers", "localhost:1")).withRequireEvidence(true)
                .withHttpPort(0).withAuth(ApiAuth.NOBODY).requireEvidence(), "kept through the other withers");
    }
}
