package io.kanary.executor.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The last lines of a container's log, for a failure reason that says why it did not come up. */
public final class ContainerLogs {
    private static final int TAIL_LINES = 15;
    private static final Duration WAIT = Duration.ofSeconds(5);

    private ContainerLogs() {
    }

    /** A sentence fragment to append to a failure: {@code "; last lines of its log:\n..."}, or why there are none. */
    public static String tail(DockerClient docker, String containerId) {
        StringBuffer out = new StringBuffer();
        try {
            boolean done = docker.logContainerCmd(containerId)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withTail(TAIL_LINES)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    })
                    .awaitCompletion(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (!done && out.isEmpty()) {
                return "; its log could not be read within " + WAIT.toSeconds() + " s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "; its log cannot be read: " + EngineErrors.rootMessage(e);
        }
        String text = out.toString().strip();
        return text.isEmpty() ? "; its log is empty" : "; last lines of its log:\n" + text;
    }
}
