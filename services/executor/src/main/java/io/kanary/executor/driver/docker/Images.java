package io.kanary.executor.driver.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.NameParser;
import io.kanary.executor.driver.DriverException;
import io.kanary.executor.driver.PullPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure an engine has a version's image before a container is created from it, as the pull policy says. */
public final class Images {
    public static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(Images.class);

    private final DockerClient docker;
    private final String hostId;
    private final PullPolicy policy;
    private final EngineErrors errors;

    public Images(DockerClient docker, String hostId, PullPolicy policy, EngineErrors errors) {
        this.docker = docker;
        this.hostId = hostId;
        this.policy = policy;
        this.errors = errors;
    }

    /** What the engine's pull API takes: a repository and a tag; no tag for a reference by digest. */
    record PullReference(String repository, String tag) {
    }

    /** Pulls {@code image} when the policy says so: always, or when the engine does not have it. */
    public void ensure(String image) throws DriverException {
        if (policy == PullPolicy.ALWAYS) {
            pull(image);
            return;
        }
        if (isPresent(image)) {
            return;
        }
        if (policy == PullPolicy.NEVER) {
            throw new DriverException("image " + image + " is not on " + hostId + " and the pull policy is never: "
                    + "build or load it on that engine first");
        }
        pull(image);
    }

    private boolean isPresent(String image) throws DriverException {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw errors.failed("look up image " + image, e);
        }
    }

    private void pull(String image) throws DriverException {
        PullReference reference = pullReference(image);
        LOG.info("Pulling image {} on {}", image, hostId);
        try {
            var cmd = docker.pullImageCmd(reference.repository());
            if (reference.tag() != null) {
                cmd.withTag(reference.tag());
            }
            if (!cmd.start().awaitCompletion(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new DriverException("pulling image " + image + " on " + hostId + " did not finish within "
                        + PULL_TIMEOUT.toMinutes() + " min");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted while pulling image " + image + " on " + hostId, e);
        } catch (RuntimeException e) {
            throw errors.failed("pull image " + image, e);
        }
    }

    /**
     * Splits an image reference as Docker does (a registry's port is not a tag), through
     * docker-java's own parser: an untagged name means {@code latest}; a digest stays whole.
     */
    static PullReference pullReference(String image) {
        NameParser.ReposTag parsed = NameParser.parseRepositoryTag(image);
        if (!parsed.tag.isEmpty()) {
            return new PullReference(parsed.repos, parsed.tag);
        }
        boolean byDigest = parsed.repos.contains("@");
        return new PullReference(parsed.repos, byDigest ? null : "latest");
    }
}
