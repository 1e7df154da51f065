package io.kanary.executor.driver.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.DockerException;
import io.kanary.executor.driver.DriverException;
import io.kanary.kafka.Json;
import java.util.function.Supplier;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * Turns docker-java's exceptions into {@link DriverException} sentences: what kanary tried, on
 * which host, and the daemon's own words, or that the engine could not be reached and why.
 */
public final class EngineErrors {
    private final String hostId;

    public EngineErrors(String hostId) {
        this.hostId = hostId;
    }

    /** Runs one engine call, turning every failure into a sentence that starts "cannot {@code what}". */
    public <T> T call(String what, Supplier<T> action) throws DriverException {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
    }

    /** The sentence for a failed engine call: the daemon's message, or why the engine could not be reached. */
    public DriverException failed(String what, RuntimeException e) {
        if (e instanceof DockerException docker) {
            return new DriverException("cannot " + what + " on " + hostId + ": " + daemonMessage(docker), e);
        }
        return new DriverException("cannot " + what + ": cannot reach the Docker engine of " + hostId + ": "
                + rootMessage(e), e);
    }

    /**
     * The daemon's own words: the {@code message} of the JSON error body docker-java puts after
     * "Status NNN: ", else the whole exception message.
     */
    public static String daemonMessage(DockerException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int body = message.indexOf('{');
        if (body >= 0) {
            try {
                JsonNode said = Json.mapper().readTree(message.substring(body)).path("message");
                if (said.isTextual()) {
                    return said.asText().replace('\n', ' ').strip();
                }
            } catch (JsonProcessingException notJson) {
                // Not a JSON body: the message as it is says more than nothing.
            }
        }
        return message.strip();
    }

    /** The exception's message with its root cause's, e.g. a refused connection under an I/O error. */
    public static String rootMessage(Throwable e) {
        Throwable root = ExceptionUtils.getRootCause(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }
}
