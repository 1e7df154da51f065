package io.kanary.bench;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The benchmarks' command lines, parsed by picocli into a class of flags and then into the
 * benchmark's options: {@code --help} prints the usage and exits 0; an unknown option, a missing
 * value or a value out of range prints the error and the usage and exits 2 (a typo must not start
 * an hour-long run with the defaults, nor end it silently with 0).
 */
public final class BenchArgs {
    private BenchArgs() {
    }

    /** -h/--help for every benchmark's flags (a benchmark has no version of its own to print). */
    public static final class Help {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;
    }

    /** What the command line asked for: the options to run with, or no options and the code to exit with. */
    public record Parsed<O>(O options, int exitCode) {
    }

    /**
     * Parses {@code args} into {@code flags} (a picocli command), then {@code build} turns them into
     * the options; an {@link IllegalArgumentException} from {@code build} is a bad value, like a
     * parse error. Usage and errors go to {@code out} and {@code err}.
     */
    public static <F, O> Parsed<O> parse(F flags, String[] args, Function<F, O> build, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(flags).setOut(out).setErr(err);
        ParameterException refused;
        try {
            if (CommandLine.printHelpIfRequested(cli.parseArgs(args))) {
                return new Parsed<>(null, cli.getCommandSpec().exitCodeOnUsageHelp());
            }
            return new Parsed<>(build.apply(flags), 0);
        } catch (ParameterException e) {
            refused = e;
        } catch (IllegalArgumentException e) {
            refused = new ParameterException(cli, e.getMessage(), e);
        }
        err.println(refused.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(refused, err);
        cli.usage(err);
        return new Parsed<>(null, cli.getCommandSpec().exitCodeOnInvalidInput());
    }

    /** For a main: the options to run with; after --help or a bad argument it exits, with 0 or 2. */
    public static <F, O> O parseOrExit(F flags, String[] args, Function<F, O> build) {
        Parsed<O> parsed = parse(flags, args, build, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        if (parsed.options() == null) {
            System.exit(parsed.exitCode());
        }
        return parsed.options();
    }
}
