package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class HumanErrorsTest {

    @Command(name = "fails")
    static final class Fails implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException(new NullPointerException());
        }
    }

    @Test
    void shouldSayASentenceNotAnExceptionsNameForAFailureWithoutAMessage() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Fails()).setExecutionExceptionHandler(new HumanErrors())
                .setErr(new PrintWriter(err)).setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));

        int exit = cli.execute();

        assertEquals(HumanErrors.EXIT_FAILED, exit);
        assertEquals("error: the command failed in a way kanary does not recognise",
                err.toString().lines().findFirst().orElseThrow());
    }
}
