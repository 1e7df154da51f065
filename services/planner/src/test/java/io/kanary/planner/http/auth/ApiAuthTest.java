package io.kanary.planner.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.kafka.KafkaSettings;
import io.kanary.planner.PlannerConfig;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiAuthTest {
    @Test
    void shouldRefuseToServeBeyondLoopbackWithoutAuthentication() {
        PlannerConfig local = PlannerConfig.defaults(KafkaSettings.bootstrap("localhost:9092"));
        assertEquals(ApiAuth.OFF, local.withAuth(ApiAuth.OFF).auth());
        PlannerConfig wide = new PlannerConfig(local.kafka(), "0.0.0.0", 8080, "g", "t", local.tick(), local.replayTimeout());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> wide.withAuth(ApiAuth.OFF));
        assertTrue(refused.getMessage().startsWith("The API would listen on 0.0.0.0 without authentication"), refused.getMessage());
        IllegalArgumentException fromEnv = assertThrows(IllegalArgumentException.class, () -> PlannerConfig.fromEnv(
                Map.of("PLANNER_AUTH", "none", "PLANNER_HTTP_HOST", "0.0.0.0")));
        assertTrue(fromEnv.getMessage().contains("without authentication"), fromEnv.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PlannerConfig.fromEnv(Map.of())).getMessage()
                .startsWith("PLANNER_TOKENS_FILE is not set"));
    }

    @Test
    void shouldReadHashedTokensAndRefuseBrokenLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# who may do what\n" + TokenStore.line(new Principal("ci-bot", Role.DEPLOYER), "s3cret") + "\n\n");
        assertTrue(Files.readString(file).contains("ci-bot deployer " + TokenStore.sha256("s3cret")));
        assertEquals("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b", TokenStore.sha256("secret"));
        TokenStore store = TokenStore.read(file);
        assertEquals(Optional.of(new Principal("ci-bot", Role.DEPLOYER)), store.authenticate("s3cret"));
        assertEquals(Optional.empty(), store.authenticate("s3cret "));
        PlannerConfig config = PlannerConfig.fromEnv(Map.of("PLANNER_TOKENS_FILE", file.toString()));
        assertEquals(Optional.of(new Principal("ci-bot", Role.DEPLOYER)), config.auth().tokens().authenticate("s3cret"));

        Files.writeString(file, "ci-bot admin " + TokenStore.sha256("x") + "\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenStore.read(file)).getMessage()
                .contains("line 1: unknown role 'admin'; use one of viewer, deployer, operator"));
        Files.writeString(file, "ci-bot deployer s3cret\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenStore.read(file)).getMessage()
                .contains("is not '<principal> <role> <sha256-hex>'"));
    }

    @Test
    void shouldDeriveTheRoleFromMethodAndPath() {
        assertEquals(Role.VIEWER, RequiredRole.of(HttpMethod.GET, "/v1/deployments/x"));
        assertEquals(Role.DEPLOYER, RequiredRole.of(HttpMethod.POST, "/v1/deployments"));
        assertEquals(Role.OPERATOR, RequiredRole.of(HttpMethod.POST, "/v1/deployments/x/rollback"));
        assertEquals(Role.OPERATOR, RequiredRole.of(HttpMethod.POST, "/v1/deployments/x/pause"));
        assertEquals(Role.OPERATOR, RequiredRole.of(HttpMethod.DELETE, "/v1/deployments/x"));
        assertTrue(Role.OPERATOR.includes(Role.DEPLOYER));
        assertTrue(!Role.DEPLOYER.includes(Role.OPERATOR));
        assertEquals(Optional.of("abc"), ApiGuard.bearerToken("bearer  abc "));
        assertEquals(Optional.empty(), ApiGuard.bearerToken("Basic abc"));
        assertEquals(Optional.empty(), ApiGuard.bearerToken("Bearer "));
    }
}
