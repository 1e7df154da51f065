package io.kanary.executor.driver.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.kanary.executor.driver.DriverException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class EngineErrorsTest {
    private final EngineErrors errors = new EngineErrors("host-1");

    @Test
    void shouldReadTheDaemonsMessageFromItsJsonBody() {
        DockerException e = new NotFoundException("{\"message\":\"No such image: \\\"shop:v9\\\"\\nsee docs\"}\n");

        assertEquals("No such image: \"shop:v9\" see docs", EngineErrors.daemonMessage(e));
    }

    @Test
    void shouldKeepAMessageThatIsNotJson() {
        assertEquals("Status 500: engine on fire", EngineErrors.daemonMessage(new DockerException("engine on fire", 500)));
    }

    @Test
    void shouldSayWhatFailedOnWhichHostInTheDaemonsWords() {
        NotFoundException cause = new NotFoundException("{\"message\":\"No such container: abc\"}");

        DriverException failed = errors.failed("start host-1/shop/v1/abc", cause);

        assertEquals("cannot start host-1/shop/v1/abc on host-1: No such container: abc", failed.getMessage());
        assertSame(cause, failed.getCause());
    }

    @Test
    void shouldSayTheEngineCannotBeReachedWithTheRootCause() {
        RuntimeException e = new UncheckedIOException("java.net.ConnectException: refused",
                new ConnectException("Connection refused"));

        assertEquals("cannot list the containers of host-1: cannot reach the Docker engine of host-1: "
                        + "java.net.ConnectException: refused (Connection refused)",
                errors.failed("list the containers of host-1", e).getMessage());
    }
}
