package io.kanary.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw refused(name, "a whole number", value, e);
        }
    }

    public long longNumber(String name, long fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw refused(name, "a whole number", value, e);
        }
    }

    public double number(String name, double fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            throw refused(name, "a number", value, e);
        }
        throw refused(name, "a finite number", value, null);
    }

    /** A duration given as a whole number of milliseconds ({@code ..._MS} variables). */
    public Duration millis(String name, Duration fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw refused(name, "a whole number of milliseconds", value, e);
        }
    }

    /** A duration given as a whole number of seconds ({@code ..._SECONDS} variables). */
    public Duration seconds(String name, Duration fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw refused(name, "a whole number of seconds", value, e);
        }
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

    private static IllegalArgumentException refused(String name, String kind, String value, Exception cause) {
        return new IllegalArgumentException(name + " must be " + kind + ", was '" + value + "'", cause);
    }
}
