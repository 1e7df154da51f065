package io.kanary.executor.driver;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** When the docker driver pulls a version's image before creating its container. */
public enum PullPolicy {
    /** Pull on every deploy, so a moved tag is followed; fails when the registry cannot be reached. */
    ALWAYS("always"),
    /** Pull only when the engine does not have the image: works without a registry for local images. */
    IF_NOT_PRESENT("if-not-present"),
    /** Never pull: the image must already be on the engine. */
    NEVER("never");

    private final String label;

    PullPolicy(String label) {
        this.label = label;
    }

    /** As written in configuration: {@code always}, {@code if-not-present} or {@code never}. */
    public String label() {
        return label;
    }

    public static PullPolicy parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(policy -> policy.label.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("pull policy '" + text + "' is not one of "
                        + Arrays.stream(values()).map(PullPolicy::label).collect(Collectors.joining(", "))));
    }

    @Override
    public String toString() {
        return label;
    }
}
