package io.kanary.schema;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as requests and the CLI write them: a whole number and one unit, {@code 500ms},
 * {@code 30s}, {@code 2m}, {@code 1h}. One parser, so a step's pause and a CLI flag read alike.
 */
public final class Durations {
    /** The format, for validation messages. */
    public static final String FORMAT_HINT = "a number and a unit, ms, s, m or h, e.g. 500ms, 30s, 10m, 1h";
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private Durations() {
    }

    /** The duration {@code text} says, or empty when it is none (null, blank, or another format). */
    public static Optional<Duration> parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        });
    }
}
