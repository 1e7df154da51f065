package io.kanary.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import picocli.CommandLine;

/** One run of the kanary command line as a user types it, with what it printed and its exit code. */
record CliRun(int exit, String out, String err) {

    /** The verb (first word) with {@code --planner plannerUrl} right after it, then the rest of the words. */
    static CliRun against(String plannerUrl, String... words) {
        String[] args = new String[words.length + 2];
        args[0] = words[0];
        args[1] = "--planner";
        args[2] = plannerUrl;
        System.arraycopy(words, 1, args, 3, words.length - 1);
        return of(args);
    }

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Kanary.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** A local port nothing listens on: bound for a moment by this process, then released. */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
}
