package io.kanary.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Writes the bench's YAML files (Prometheus configurations, alert rules, promtool tests) from records:
 * components in camelCase become Prometheus's snake_case keys, strings are quoted only where YAML
 * needs it (so a PromQL expression's quotes are escaped by the library, not by hand), and lists are
 * indented under their key, as Prometheus's own examples are.
 */
public final class Yaml {
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES) // a long expression stays on its line
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS) // "12" stays a string
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private Yaml() {
    }

    public static String write(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + document.getClass().getSimpleName() + " as YAML", e);
        }
    }

    /** Reads {@code yaml} back as {@code type}, with the same naming (for checking what was written). */
    public static <T> T read(String yaml, Class<T> type) {
        try {
            return MAPPER.readValue(yaml, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not a " + type.getSimpleName() + " in YAML: " + e.getOriginalMessage(), e);
        }
    }
}
