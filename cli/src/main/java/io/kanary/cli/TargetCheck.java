package io.kanary.cli;

import java.net.URI;
import java.net.URISyntaxException;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Checks the verb's --planner and --bootstrap-server values before it runs: a mistyped address is a
 * bad flag (usage and exit 2) said as such, not a connection failure a few seconds later.
 */
public final class TargetCheck implements CommandLine.IExecutionStrategy {
    private final CommandLine.IExecutionStrategy next = new CommandLine.RunLast();

    @Override
    public int execute(ParseResult parsed) {
        ParseResult verb = parsed;
        boolean helpAsked = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested();
        while (verb.hasSubcommand()) {
            verb = verb.subcommand();
            helpAsked |= verb.isUsageHelpRequested() || verb.isVersionHelpRequested();
        }
        if (!helpAsked) {
            check(verb, "--planner", TargetCheck::plannerProblem);
            check(verb, "--bootstrap-server", TargetCheck::bootstrapProblem);
        }
        return next.execute(parsed);
    }

    private static void check(ParseResult verb, String option, java.util.function.Function<String, String> problem) {
        OptionSpec spec = verb.commandSpec().findOption(option);
        String value = spec == null ? null : spec.getValue();
        String text = value == null ? null : problem.apply(value);
        if (text != null) {
            throw new ParameterException(verb.commandSpec().commandLine(), text);
        }
    }

    /** Why {@code url} cannot be the planner's API, or null when it can. */
    public static String plannerProblem(String url) {
        try {
            URI uri = new URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // said below, with the fix
        }
        return "--planner '" + url + "' is not a URL of the planner's API: give http://HOST:PORT, "
                + "e.g. http://127.0.0.1:8080 (or set KANARY_PLANNER).";
    }

    /** Why {@code servers} cannot be a Kafka bootstrap list, or null when it can. */
    public static String bootstrapProblem(String servers) {
        for (String server : servers.split(",", -1)) {
            if (Utils.getHost(server.trim()) == null || Utils.getPort(server.trim()) == null) {
                return "--bootstrap-server '" + servers + "' is not a Kafka address: give HOST:PORT[,HOST:PORT...], "
                        + "e.g. localhost:9092 (or set KAFKA_BOOTSTRAP_SERVERS).";
            }
        }
        return null;
    }
}
