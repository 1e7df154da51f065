package io.kanary.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.kanary.kafka.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The event schemas in src/main/resources/schemas, loaded from the classpath by their
 * {@code https://kanary.io/schemas/} ids; loading anything not on the classpath is refused, so a
 * test never reaches the network.
 */
final class EventSchemas {
    static final String ID_PREFIX = "https://kanary.io/schemas/";
    static final String RESOURCE_DIR = "schemas/";
    static final String COMMON = "common";

    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder
                    .schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, "classpath:" + RESOURCE_DIR))
                    .schemaLoaders(loaders -> loaders.add(
                            new AllowSchemaLoader(iri -> "classpath".equals(iri.getScheme())))));

    private EventSchemas() {
    }

    /** The schema of the event type named {@code typeName}, e.g. {@code deployment.started}. */
    static JsonSchema of(String typeName) {
        JsonSchema schema = FACTORY.getSchema(SchemaLocation.of(ID_PREFIX + typeName + ".json"), CONFIG);
        schema.initializeValidators(); // resolve every $ref now, so a broken one fails here
        return schema;
    }

    static Set<ValidationMessage> validate(String typeName, JsonNode json) {
        return of(typeName).validate(json);
    }

    /** The JSON Schema 2020-12 meta-schema, from the validator's jar. */
    static JsonSchema metaSchema() {
        return FACTORY.getSchema(SchemaLocation.of(SpecVersion.VersionFlag.V202012.getId()), CONFIG);
    }

    /** The schema file as plain JSON. */
    static JsonNode read(String name) {
        try (InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name + ".json")) {
            if (in == null) {
                throw new AssertionError("no schema file " + RESOURCE_DIR + name + ".json");
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of every schema file, without {@code .json}: event type names plus {@code common}. */
    static List<String> fileNames() {
        try (Stream<Path> files = Files.list(Path.of(
                EventSchemas.class.getClassLoader().getResource(RESOURCE_DIR + COMMON + ".json").toURI()).getParent())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
