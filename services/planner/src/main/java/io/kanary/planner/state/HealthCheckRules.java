package io.kanary.planner.state;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.kanary.schema.HealthCheck;
import io.kanary.schema.Hooks;
import io.kanary.schema.RunSpec;
import io.kanary.security.RunAllowList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The rules of a deployment's health check ({@code run.check}) and of its hooks: each broken rule a
 * {@link Violation} naming the field, so the API answers 422 with all of them at once.
 */
public final class HealthCheckRules {
    static final int MAX_EXIT_CODE = 255;

    private HealthCheckRules() {
    }

    /** The check's own rules; {@code field} is where it sits in the request, e.g. {@code run.check}. */
    public static void validate(HealthCheck check, String field, List<Violation> out) {
        if (check == null) {
            return;
        }
        if (check.timeoutMs() != null && check.timeoutMs() < 1) {
            out.add(new Violation(field + ".timeoutMs", "must be at least 1 (ms), was " + check.timeoutMs()));
        }
        if (check instanceof HealthCheck.Http http) {
            validateHttp(http, field, out);
        } else if (check instanceof HealthCheck.Command command) {
            validateArgv(command.command(), field + ".command", out);
            if (command.expectExitCode() < 0 || command.expectExitCode() > MAX_EXIT_CODE) {
                out.add(new Violation(field + ".expectExitCode", "must be an exit code from 0 to " + MAX_EXIT_CODE
                        + ", was " + command.expectExitCode()));
            }
        }
    }

    private static void validateHttp(HealthCheck.Http http, String field, List<Violation> out) {
        if (http.path() != null && !http.path().startsWith("/")) {
            out.add(new Violation(field + ".path", "must start with '/', was \"" + http.path() + "\""));
        }
        for (int i = 0; i < http.expectStatus().size(); i++) {
            Integer status = http.expectStatus().get(i);
            if (status == null || status < 100 || status > 599) {
                out.add(new Violation(field + ".expectStatus[" + i + "]", "must be an HTTP status from 100 to 599, was "
                        + status));
            }
        }
        if (new HashSet<>(http.expectStatus()).size() != http.expectStatus().size()) {
            out.add(new Violation(field + ".expectStatus", "must not name a status twice"));
        }
        HealthCheck.BodyExpectation body = http.expectBody();
        if (body == null) {
            return;
        }
        if (body.pointer() == null) {
            out.add(new Violation(field + ".expectBody.pointer", "required: a JSON pointer into the body, e.g. \"/status\""));
        } else if (!isPointer(body.pointer())) {
            out.add(new Violation(field + ".expectBody.pointer", "must be a JSON pointer (RFC 6901) such as \"/status\" "
                    + "or \"/checks/0/state\", was \"" + body.pointer() + "\""));
        }
        JsonNode value = body.value();
        if (value == null) {
            out.add(new Violation(field + ".expectBody.equals", "required: the value expected at the pointer, e.g. "
                    + "\"healthy\", 3 or true"));
        } else if (value.isContainerNode()) {
            out.add(new Violation(field + ".expectBody.equals", "must be a string, number, boolean or null, was " + value));
        }
    }

    private static boolean isPointer(String pointer) {
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            return false;
        }
        try {
            JsonPointer.compile(pointer);
            // Jackson accepts a '~' that escapes nothing; RFC 6901 allows only ~0 and ~1.
            return !pointer.replace("~0", "").replace("~1", "").contains("~");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A command's argv: at least its program, and no null. */
    static void validateArgv(List<String> argv, String field, List<Violation> out) {
        if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
            out.add(new Violation(field, "required: the argv to run, e.g. [\"/usr/local/bin/ready\", \"--port\", \"{port}\"]"));
        } else if (argv.contains(null)) {
            out.add(new Violation(field, "must not contain null"));
        }
    }

    /** What {@code allowList} says of the check's program: a command check runs on the host, so it must be allowed there. */
    public static void validateAllowed(String service, HealthCheck check, String field, RunAllowList allowList,
                                       List<Violation> out) {
        if (check instanceof HealthCheck.Command command && !command.command().isEmpty()
                && !command.command().contains(null)) {
            allowed(service, command.command(), field + ".command", allowList, out);
        }
    }

    /**
     * The hooks' rules and what {@code allowList} says of their programs.
     *
     * @param hosts the request's target hosts; a pre-deploy hook's host must be one of them (empty: not checked)
     */
    public static void validateHooks(String service, Hooks hooks, List<String> hosts, RunAllowList allowList,
                                     List<Violation> out) {
        if (hooks == null) {
            return;
        }
        Hooks.PreDeploy pre = hooks.preDeploy();
        if (pre != null) {
            validateArgv(pre.command(), "hooks.preDeploy.command", out);
            if (pre.timeoutMs() != null && pre.timeoutMs() < 1) {
                out.add(new Violation("hooks.preDeploy.timeoutMs", "must be at least 1 (ms), was " + pre.timeoutMs()));
            }
            if (pre.host() != null && !hosts.isEmpty() && !hosts.contains(pre.host())) {
                out.add(new Violation("hooks.preDeploy.host", "must be one of the request's hosts " + hosts
                        + ", was \"" + pre.host() + "\""));
            }
            if (!pre.command().isEmpty() && !pre.command().contains(null)) {
                allowed(service, pre.command(), "hooks.preDeploy.command", allowList, out);
            }
        }
        Hooks.Smoke smoke = hooks.smoke();
        if (smoke != null) {
            if (smoke.command().isEmpty() && smoke.http().isEmpty()) {
                out.add(new Violation("hooks.smoke", "needs a command or http checks, e.g. {\"http\": [{\"kind\": "
                        + "\"http\", \"path\": \"/smoke\"}]}"));
            }
            if (!smoke.command().isEmpty()) {
                validateArgv(smoke.command(), "hooks.smoke.command", out);
                if (!smoke.command().contains(null)) {
                    allowed(service, smoke.command(), "hooks.smoke.command", allowList, out);
                }
            }
            if (smoke.timeoutMs() != null && smoke.timeoutMs() < 1) {
                out.add(new Violation("hooks.smoke.timeoutMs", "must be at least 1 (ms), was " + smoke.timeoutMs()));
            }
            for (int i = 0; i < smoke.http().size(); i++) {
                if (smoke.http().get(i) == null) {
                    out.add(new Violation("hooks.smoke.http[" + i + "]", "must not be null"));
                } else {
                    validate(smoke.http().get(i), "hooks.smoke.http[" + i + "]", out);
                }
            }
        }
    }

    private static void allowed(String service, List<String> argv, String field, RunAllowList allowList,
                                List<Violation> out) {
        allowList.checkProcess(service, RunSpec.process(argv, Map.of())).forEach(r ->
                out.add(new Violation(r.field().replaceFirst("^run\\.command", field), r.rule())));
    }
}
