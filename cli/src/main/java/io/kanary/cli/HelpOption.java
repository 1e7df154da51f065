package io.kanary.cli;

import picocli.CommandLine.Option;

/**
 * -h/--help for a verb. The verbs do not take picocli's standard help mixin: its -V/--version would
 * clash with {@code deploy --version} (the service's version); kanary's own version is {@code kanary --version}.
 */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
