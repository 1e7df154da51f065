package io.kanary.cli.stack;

import io.kanary.cli.Hints;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code kanary up} tells its user to type next, with the addresses this stack really runs on:
 * a banner that says {@code kanary watch} while the broker listens on another port than the CLI's
 * default sends its reader to nothing.
 *
 * @param plannerUrl the planner's API as a client on this machine reaches it, or null when it does not run here
 * @param bootstrap  the Kafka bootstrap servers
 */
public record StackHints(String plannerUrl, String bootstrap) {
    /** Where {@code kanary watch} and {@code audit} look without a flag. */
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    /** The planner's URL for a client: a wildcard bind address is reached on the loopback. */
    public static String plannerUrl(String httpHost, int port) {
        String host = httpHost == null || httpHost.equals("0.0.0.0") || httpHost.equals("::") || httpHost.equals("[::]")
                ? "127.0.0.1" : httpHost.contains(":") && !httpHost.startsWith("[") ? "[" + httpHost + "]" : httpHost;
        return "http://" + host + ":" + port;
    }

    /**
     * The lines to print: an {@code export} line when an address differs from what the CLI finds by
     * itself, then the commands to try with the flags they need.
     *
     * @param envPlanner KANARY_PLANNER of this shell (null when unset)
     * @param envKafka   KAFKA_BOOTSTRAP_SERVERS of this shell (null when unset)
     */
    public List<String> lines(String envPlanner, String envKafka) {
        String kafkaFlag = Objects.equals(bootstrap, envKafka != null ? envKafka : DEFAULT_BOOTSTRAP)
                ? "" : " --bootstrap-server " + bootstrap;
        List<String> lines = new ArrayList<>();
        List<String> exports = new ArrayList<>();
        Hints planner = plannerUrl == null ? null : Hints.forPlanner(plannerUrl, envPlanner);
        if (planner != null && !planner.plannerFlag().isEmpty()) {
            exports.add("KANARY_PLANNER=" + plannerUrl);
        }
        if (!kafkaFlag.isEmpty()) {
            exports.add("KAFKA_BOOTSTRAP_SERVERS=" + bootstrap);
        }
        StringBuilder tries = new StringBuilder("try:");
        if (planner != null) {
            tries.append("  ./").append(planner.kanary("deploy --help")).append("   ./").append(planner.kanary("status"));
        }
        tries.append("   ./kanary watch").append(kafkaFlag).append("   ./kanary audit").append(kafkaFlag);
        lines.add(tries.toString());
        if (!exports.isEmpty()) {
            lines.add("or, to drop the flags, in that shell:  export " + String.join(" ", exports));
        }
        return lines;
    }
}
