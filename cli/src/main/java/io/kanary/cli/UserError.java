package io.kanary.cli;

/** A failure the user can fix, said in one sentence; no stack trace. */
final class UserError extends RuntimeException {
    private final int exitCode;

    UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    UserError(String message) {
        this(message, 1);
    }

    int exitCode() {
        return exitCode;
    }
}
