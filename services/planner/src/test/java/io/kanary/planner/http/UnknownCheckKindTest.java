package io.kanary.planner.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import io.kanary.kafka.Json;
import io.kanary.kafka.JsonSerde;
import io.kanary.schema.DeployRequest;
import org.junit.jupiter.api.Test;

/** A health check of no known kind is named with its field and the kinds there are, not "must be a JSON object". */
class UnknownCheckKindTest {

    @Test
    void shouldNameTheFieldAndTheKnownKindsForAnUnknownKind() {
        InvalidTypeIdException e = assertThrows(InvalidTypeIdException.class, () -> read(
                "{\"service\": \"web\", \"version\": \"v2\", \"run\": {\"command\": [\"web\"], \"check\": {\"kind\": \"grpc\"}}}"));

        assertEquals("run.check", JsonSerde.path(e));
        assertEquals("has an unknown kind \"grpc\"; known kinds: [http, tcp, command]", PlannerApi.describe(e));
    }

    @Test
    void shouldAskForAKindWhenACheckHasNone() {
        InvalidTypeIdException e = assertThrows(InvalidTypeIdException.class, () -> read(
                "{\"service\": \"web\", \"version\": \"v2\", \"run\": {\"command\": [\"web\"], \"check\": {\"path\": \"/h\"}}}"));

        assertEquals("needs a \"kind\"; known kinds: [http, tcp, command]", PlannerApi.describe(e));
    }

    private static DeployRequest read(String json) throws Exception {
        return Json.mapper().readerFor(DeployRequest.class).readValue(json);
    }
}
