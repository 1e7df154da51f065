package io.kanary.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a verb's failure into one sentence that names what to fix, and an exit code, instead of a
 * stack trace. The exit codes are the README's table.
 */
public final class HumanErrors implements CommandLine.IExecutionExceptionHandler {
    public static final int EXIT_FAILED = ExitCodes.FAILED;
    public static final int EXIT_UNREACHABLE = ExitCodes.UNREACHABLE;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String error = cmd.getColorScheme().errorText("error: ").toString();
        UserError user = ExceptionUtils.throwableOfType(e, UserError.class);
        if (user != null) {
            err.println(error + user.getMessage());
            return user.exitCode();
        }
        String planner = optionValue(cmd, "--planner");
        if (planner != null) {
            String unreachable = plannerUnreachable(e, planner);
            if (unreachable != null) {
                err.println(error + unreachable);
                return EXIT_UNREACHABLE;
            }
        }
        String kafka = optionValue(cmd, "--bootstrap-server");
        if (has(e, TimeoutException.class)) {
            err.println(error + "couldn't reach Kafka at " + (kafka == null ? "the bootstrap servers" : kafka)
                    + " in time. Is 'kanary up' running? Point the CLI at a broker with --bootstrap-server HOST:PORT "
                    + "or KAFKA_BOOTSTRAP_SERVERS.");
            return EXIT_UNREACHABLE;
        }
        Throwable root = ExceptionUtils.getRootCause(e);
        // An exception without a message says nothing to a user; its class name would say less.
        err.println(error + (root.getMessage() == null || root.getMessage().isBlank()
                ? "the command failed in a way kanary does not recognise"
                : root.getMessage()));
        if (System.getenv("KANARY_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set KANARY_DEBUG=1 for the stack trace)");
        }
        return EXIT_FAILED;
    }

    /** The sentence for a planner that could not be talked to, or null when that was not the failure. */
    private static String plannerUnreachable(Throwable e, String planner) {
        String fix = " Is 'kanary up' running? Point the CLI at the planner with --planner URL or KANARY_PLANNER.";
        if (has(e, UnresolvedAddressException.class)) {
            return "couldn't connect to the planner at " + planner + ": its host name does not resolve." + fix;
        }
        if (has(e, HttpConnectTimeoutException.class)) {
            return "couldn't connect to the planner at " + planner + ": the connection timed out." + fix;
        }
        if (has(e, ConnectException.class) || has(e, ClosedChannelException.class)) {
            return "couldn't connect to the planner at " + planner + ": nothing accepts connections there." + fix;
        }
        if (has(e, HttpTimeoutException.class)) {
            return "the planner at " + planner + " did not answer in time." + fix;
        }
        if (has(e, JsonProcessingException.class)) {
            return "what answers at " + planner + " is not the planner's API (its answer is not JSON)." + fix;
        }
        return null;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        return ExceptionUtils.throwableOfType(e, type) != null;
    }

    private static String optionValue(CommandLine cmd, String name) {
        OptionSpec option = cmd.getCommandSpec().findOption(name);
        return option == null || option.getValue() == null ? null : String.valueOf(option.<Object>getValue());
    }
}
