package io.kanary.notifier;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * One HTTP request to a target and how it went: the status it answered, or no answer (status 0)
 * with the error. Whether to try again follows from it: a target that is down, overloaded (5xx) or
 * asking us to slow down (429) may take the event later; any other 4xx says the request itself is
 * wrong, and sending it again would get the same answer.
 *
 * @param retryAfter how long the target asked us to wait ({@code Retry-After}), or null
 */
record HttpAttempt(int status, String error, Duration retryAfter) {
    static final int NO_ANSWER = 0;

    HttpAttempt(int status, String error) {
        this(status, error, null);
    }

    /** Sends {@code request} once; a connection error or a timeout is an attempt without answer, never an exception. */
    static HttpAttempt send(HttpClient client, HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return new HttpAttempt(response.statusCode(), null, response.headers().firstValue("Retry-After")
                    .map(value -> retryAfter(value, Instant.now())).orElse(null));
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new HttpAttempt(NO_ANSWER, message);
        }
    }

    /**
     * A {@code Retry-After} value, seconds ({@code 120}) or an HTTP date, as a wait from {@code now};
     * null for a value that is neither (it is then ignored, not an error).
     */
    static Duration retryAfter(String value, Instant now) {
        String text = value.trim();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(now, ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    static HttpAttempt answered(int status) {
        return new HttpAttempt(status, null);
    }

    static HttpAttempt noAnswer(String error) {
        return new HttpAttempt(NO_ANSWER, error);
    }

    boolean delivered() {
        return status >= 200 && status < 300;
    }

    /** True for no answer, 5xx and 429: worth another try after a wait. */
    boolean retryable() {
        return status == NO_ANSWER || status == 429 || status >= 500;
    }

    /** E.g. {@code HTTP 503}, or {@code no answer (ConnectException: Connection refused)}. */
    String describe() {
        return status == NO_ANSWER ? "no answer (" + error + ")" : "HTTP " + status;
    }
}
