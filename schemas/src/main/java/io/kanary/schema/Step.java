package io.kanary.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One step of a deploy request's {@code steps}, as JSON writes it: {@code {"hosts": 1}} (a batch of
 * that many more hosts), {@code {"percent": 50}} (a batch that brings the updated share of the targets
 * up to 50 %), {@code {"pause": "2m"}} (a timed pause) or {@code {"pause": null}} (an approval: waits
 * for promote). Exactly one key per step; a step that is none of these cannot be read.
 *
 * @param pause the timed pause as written ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}); null for a batch or an approval
 */
public record Step(Integer hosts, Integer percent, String pause, boolean approval) {

    public static Step ofHosts(int hosts) {
        return new Step(hosts, null, null, false);
    }

    public static Step ofPercent(int percent) {
        return new Step(null, percent, null, false);
    }

    public static Step pauseFor(String duration) {
        return new Step(null, null, duration, false);
    }

    public static Step approvalStep() {
        return new Step(null, null, null, true);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Step fromJson(Map<String, Object> fields) {
        if (fields == null || fields.size() != 1) {
            throw new IllegalArgumentException("a step is one of {\"hosts\": 1}, {\"percent\": 50}, {\"pause\": \"2m\"} "
                    + "or {\"pause\": null} (an approval), was " + fields);
        }
        Map.Entry<String, Object> field = fields.entrySet().iterator().next();
        Object value = field.getValue();
        return switch (field.getKey()) {
            case "hosts" -> new Step(wholeNumber("hosts", value), null, null, false);
            case "percent" -> new Step(null, wholeNumber("percent", value), null, false);
            case "pause" -> {
                if (value == null) {
                    yield approvalStep();
                }
                if (!(value instanceof String text)) {
                    throw new IllegalArgumentException("a pause is a duration such as \"30s\" or \"2m\", or null for "
                            + "an approval, was " + value);
                }
                yield pauseFor(text);
            }
            default -> throw new IllegalArgumentException("unknown step \"" + field.getKey()
                    + "\"; a step is hosts, percent or pause");
        };
    }

    private static int wholeNumber(String key, Object value) {
        if (value instanceof Integer i) {
            return i;
        }
        throw new IllegalArgumentException("\"" + key + "\" must be a whole number, was " + value);
    }

    /** As written: a tree, so an approval's {@code "pause": null} survives the mapper's leaving nulls out. */
    @JsonValue
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (hosts != null) {
            json.put("hosts", hosts);
        } else if (percent != null) {
            json.put("percent", percent);
        } else if (pause != null) {
            json.put("pause", pause);
        } else {
            json.putNull("pause");
        }
        return json;
    }

    @JsonIgnore
    public boolean isApproval() {
        return approval;
    }

    @JsonIgnore
    public boolean isBatch() {
        return hosts != null || percent != null;
    }

    @JsonIgnore
    public boolean isTimedPause() {
        return pause != null;
    }

    /** The timed pause's length, or null when {@link #pause} is none or not a valid duration. */
    @JsonIgnore
    public Duration pauseDuration() {
        if (pause == null) {
            return null;
        }
        return Durations.parse(pause).orElse(null);
    }
}
