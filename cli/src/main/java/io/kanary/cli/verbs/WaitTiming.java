package io.kanary.cli.verbs;

import io.kanary.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How long {@code wait} and {@code --wait} wait for a deployment to end, and how often they ask. */
public final class WaitTiming {
    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Give up waiting after this long, e.g. 30s, 10m, 1h (default: ${DEFAULT-VALUE}); exits 8, "
                    + "the deployment goes on.")
    Duration timeout;

    @Option(names = "--poll-interval", defaultValue = "1s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often to ask the planner (default: ${DEFAULT-VALUE}).")
    Duration poll;
}
