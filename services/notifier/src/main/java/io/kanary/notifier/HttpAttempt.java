package io.kanary.notifier;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One HTTP request to a target and how it went: the status it answered, or no answer (status 0)
 * with the error. Whether to try again follows from it: a target that is down, overloaded (5xx) or
 * asking us to slow down (429) may take the event later; any other 4xx says the request itself is
 * wrong, and sending it again would get the same answer.
 */
record HttpAttempt(int status, String error) {
    static final int NO_ANSWER = 0;

    /** Sends {@code request} once; a connection error or a timeout is an attempt without answer, never an exception. */
    static HttpAttempt send(HttpClient client, HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return new HttpAttempt(response.statusCode(), null);
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new HttpAttempt(NO_ANSWER, message);
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
