package io.kanary.kafka;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.util.List;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one serde for every kanary event: JSON through Jackson. Bytes that are not a valid event
 * of the type (bad JSON, missing required fields, unknown {@code type}) raise a
 * {@link SerializationException} naming the type and Jackson's reason, so a consumer can send the
 * record to its DLQ with that reason.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    private JsonSerde(Class<T> type) {
        this.type = type;
        this.reader = Json.mapper().readerFor(type);
        this.writer = Json.mapper().writerFor(type);
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: one mapping for every event.
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("Cannot write " + type.getSimpleName() + " to JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return reader.readValue(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Not a valid " + type.getSimpleName() + ": " + where(e) + rootMessage(e)
                    + nullElements(e, bytes), e);
        }
    }

    /** Where the nulls are when a record's constructor refused one, e.g. {@code " (null at hosts[0])"}. */
    private static String nullElements(Throwable e, byte[] bytes) {
        if (!"null is not allowed there".equals(rootMessage(e))) {
            return "";
        }
        try {
            List<String> nulls = NullElements.in(Json.mapper().readTree(bytes));
            return nulls.isEmpty() ? "" : " (null at " + String.join(", ", nulls) + ")";
        } catch (IOException | RuntimeException unreadable) {
            return "";
        }
    }

    /** The field the error is at, e.g. {@code "at hosts[0]: "}, when Jackson knows it. */
    static String where(Throwable e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return "at " + path(m) + ": ";
        }
        return "";
    }

    /** The JSON path of a mapping error, e.g. {@code run.command[1]}. */
    public static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = ExceptionUtils.getRootCause(e);
        if (root instanceof NullPointerException && root.getMessage() == null) {
            // A record's constructor met a null where it copies a list or a map: say so, not "NullPointerException".
            return "null is not allowed there";
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Jackson appends the source location over several lines; the first line says what is wrong.
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        // Nothing to release: the mapper is shared.
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }
}
