package io.kanary.executor.driver;

/**
 * A driver could not carry out an action. The message is meant for people: it becomes the
 * {@code reason} of a {@code host.command.failed} event, so it says what failed and why.
 */
public class DriverException extends Exception {
    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
