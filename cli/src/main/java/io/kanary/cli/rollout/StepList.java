package io.kanary.cli.rollout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kanary.cli.DurationConverter;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --steps 1,pause=2m,50%,approve,100%} as the API's {@code steps}: {@code {"hosts": 1}},
 * {@code {"pause": "2m"}}, {@code {"percent": 50}}, {@code {"pause": null}} (an approval),
 * {@code {"percent": 100}}. Built as a JSON tree: the request record has no step type.
 */
public record StepList(ArrayNode json) {
    private static final Pattern HOSTS = Pattern.compile("[1-9]\\d{0,5}");
    private static final Pattern PERCENT = Pattern.compile("([1-9]\\d{0,2})%");
    private static final String EXAMPLE = "e.g. --steps 1,pause=2m,50%,approve,100%";

    public static StepList parse(String text) {
        ArrayNode steps = JsonNodeFactory.instance.arrayNode();
        for (String word : text.split(",", -1)) {
            steps.add(step(word.trim()));
        }
        return new StepList(steps);
    }

    private static ObjectNode step(String word) {
        ObjectNode step = JsonNodeFactory.instance.objectNode();
        var percent = PERCENT.matcher(word);
        if (HOSTS.matcher(word).matches()) {
            return step.put("hosts", Integer.parseInt(word));
        }
        if (percent.matches() && Integer.parseInt(percent.group(1)) <= 100) {
            return step.put("percent", Integer.parseInt(percent.group(1)));
        }
        if (word.equals("approve") || word.equals("approval") || word.equals("pause")) {
            return step.putNull("pause");
        }
        if (word.startsWith("pause=")) {
            String duration = word.substring("pause=".length());
            DurationConverter.parse(duration); // refuses a malformed one here, before the planner would
            return step.put("pause", duration);
        }
        throw new TypeConversionException("'" + word + "' is not a step: give host counts (2), percentages of the targets "
                + "(50%), timed pauses (pause=2m) and approvals (approve), comma-separated, " + EXAMPLE);
    }

    /** The picocli converter of {@code --steps}. */
    public static final class Converter implements ITypeConverter<StepList> {
        @Override
        public StepList convert(String value) {
            return parse(value);
        }
    }
}
