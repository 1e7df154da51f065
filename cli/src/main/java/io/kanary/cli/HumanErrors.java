package io.kanary.cli;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;

/** Turns a failure's root cause into one sentence and an exit code, instead of a stack trace. */
final class HumanErrors implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_UNREACHABLE = 3;
    static final int EXIT_FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (e instanceof UserError user) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: ") + user.getMessage());
            return user.exitCode();
        }
        if (root instanceof ConnectException || root instanceof HttpConnectTimeoutException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: ")
                    + "couldn't connect to the planner (" + root.getMessage() + "). Is 'kanary up' running? See --planner.");
            return EXIT_UNREACHABLE;
        }
        if (root instanceof TimeoutException) {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: ")
                    + "couldn't reach Kafka in time (" + root.getMessage() + "). Check --bootstrap-server.");
            return EXIT_UNREACHABLE;
        }
        cmd.getErr().println(cmd.getColorScheme().errorText("error: ") + (root.getMessage() == null
                ? root.getClass().getSimpleName() : root.getMessage()));
        if (System.getenv("KANARY_DEBUG") != null) {
            e.printStackTrace(cmd.getErr());
        } else {
            cmd.getErr().println("(set KANARY_DEBUG=1 for the stack trace)");
        }
        return EXIT_FAILED;
    }
}
