package io.kanary.cli;

/** A failure the user can fix, said in one sentence; no stack trace. */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserError(String message) {
        this(message, 1);
    }

    public int exitCode() {
        return exitCode;
    }
}
