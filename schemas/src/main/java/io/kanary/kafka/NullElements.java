package io.kanary.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds the nulls inside lists of a JSON document ({@code "hosts": [null]}). kanary's events copy
 * their lists into immutable ones, which hold no null, so such a document cannot become an event;
 * this names where the null is instead of leaving a bare NullPointerException.
 */
public final class NullElements {
    private NullElements() {
    }

    /** The paths of null list elements, e.g. {@code hosts[0]}, in document order. */
    public static List<String> in(JsonNode node) {
        List<String> found = new ArrayList<>();
        walk(node, "", found);
        return found;
    }

    private static void walk(JsonNode node, String path, List<String> found) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                String at = path + "[" + i + "]";
                if (element.isNull()) {
                    found.add(at);
                } else {
                    walk(element, at, found);
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                walk(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), found);
            }
        }
    }
}
