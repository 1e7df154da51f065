package io.kanary.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A service's settings read from its environment, typed: a value that is not of its type is refused
 * with a sentence naming the variable, what it must be and what it was, so a typo in a unit file
 * stops the service at start with the fix in the message. Unset or blank takes the fallback;
 * surrounding white space is ignored.
 */
public final class Env {
    private final Map<String, String> env;

    private Env(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    public static Env of(Map<String, String> env) {
        return new Env(env);
    }

    /** The trimmed value of {@code name}, or null when it is unset or blank. */
    public String text(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    public int wholeNumber(String name, int fallback) {
        return read(name, fallback, "a whole number", Integer::parseInt);
    }

    public long longNumber(String name, long fallback) {
        return read(name, fallback, "a whole number", Long::parseLong);
    }

    public double number(String name, double fallback) {
        return read(name, fallback, "a finite number", Env::finite);
    }

    /** A duration given as a whole number of milliseconds ({@code ..._MS} variables). */
    public Duration millis(String name, Duration fallback) {
        return read(name, fallback, "a whole number of milliseconds", value -> Duration.ofMillis(Long.parseLong(value)));
    }

    /** A duration given as a whole number of seconds ({@code ..._SECONDS} variables). */
    public Duration seconds(String name, Duration fallback) {
        return read(name, fallback, "a whole number of seconds", value -> Duration.ofSeconds(Long.parseLong(value)));
    }

    /** {@code true}, {@code 1} or {@code yes}; {@code false}, {@code 0} or {@code no} (any case). */
    public boolean flag(String name, boolean fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw refused(name, "true or false", value, null);
        };
    }

    public Path path(String name, Path fallback) {
        String value = text(name);
        return value == null ? fallback : Path.of(value);
    }

    /** The value of {@code name} parsed, or {@code fallback} when unset; a value {@code parse} refuses is said as {@code kind}. */
    private <T> T read(String name, T fallback, String kind, Function<String, T> parse) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            throw refused(name, kind, value, e);
        }
    }

    private static double finite(String value) {
        double number = Double.parseDouble(value);
        if (!Double.isFinite(number)) {
            throw new NumberFormatException("not finite: " + value);
        }
        return number;
    }

    private static IllegalArgumentException refused(String name, String kind, String value, Exception cause) {
        return new IllegalArgumentException(name + " must be " + kind + ", was '" + value + "'", cause);
    }
}
