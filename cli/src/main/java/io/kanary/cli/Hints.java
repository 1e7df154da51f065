package io.kanary.cli;

import java.util.Objects;

/**
 * The commands the CLI suggests, written with the address the user actually reaches the planner
 * at: a hint that drops a non-default {@code --planner} sends its reader to the wrong place.
 *
 * @param plannerFlag {@code " --planner URL"}, or empty when the default (or KANARY_PLANNER) finds it anyway
 */
public record Hints(String plannerFlag) {
    public static final String DEFAULT_PLANNER = "http://127.0.0.1:8080";

    /** Hints for a planner at {@code url}; {@code envPlanner} is KANARY_PLANNER (null when unset). */
    public static Hints forPlanner(String url, String envPlanner) {
        boolean implied = Objects.equals(strip(url), strip(envPlanner != null ? envPlanner : DEFAULT_PLANNER));
        return new Hints(implied ? "" : " --planner " + url);
    }

    /** {@code kanary WORDS}, with --planner where it is needed. */
    public String kanary(String words) {
        return "kanary " + words + plannerFlag;
    }

    private static String strip(String url) {
        return url == null ? null : url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
