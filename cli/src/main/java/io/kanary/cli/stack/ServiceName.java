package io.kanary.cli.stack;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.TypeConversionException;

/** The services {@code kanary up} can start. */
public enum ServiceName {
    PLANNER, EXECUTOR, HEALTH_WATCHER, BREACH_DETECTOR,
    /** The live web dashboard. */
    DASHBOARD,
    /** Alerts to Alertmanager and webhooks. */
    NOTIFIER;

    /** The name users write: {@code health-watcher}. */
    public String flagName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every service's name, comma-separated. */
    public static String list() {
        return Arrays.stream(values()).map(ServiceName::flagName).collect(Collectors.joining(", "));
    }

    /** {@code health-watcher} (any case, '-' or '_'); an unknown name is refused with the list of known ones. */
    public static ServiceName parse(String value) {
        String wanted = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(s -> s.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new TypeConversionException("unknown service '" + value.trim() + "'; choose from " + list()));
    }
}
