package io.kanary.security;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.kanary.kafka.Json;
import io.kanary.schema.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each deployed service may run: per service name, a {@link RunRule} of executable paths
 * (process driver), images (docker driver) and loader environment names; the rule under
 * {@code "*"} applies to every service as well. Nothing is allowed that no rule names. The planner
 * checks a request against it (422), and the executor checks every command again before it acts,
 * so a record written straight to host.commands is held to the same list.
 *
 * @param services service name (or {@code *}) → its rule
 */
public record RunAllowList(Map<String, RunRule> services) {
    public static final String EVERY_SERVICE = "*";
    /** Nothing may run: the default until an allow-list is configured. */
    public static final RunAllowList NOTHING = new RunAllowList(Map.of());
    /** Any executable and any image for every service (loader environment names are still refused): for tests and trusted set-ups. */
    public static final RunAllowList ANYTHING = new RunAllowList(Map.of(EVERY_SERVICE,
            new RunRule(List.of(RunRule.ANY), List.of(RunRule.ANY), List.of())));
    private static final String HOW_TO_ALLOW = "allow it in KANARY_ALLOW_LIST_FILE or KANARY_ALLOW_EXECUTABLES / "
            + "KANARY_ALLOW_IMAGES / KANARY_ALLOW_ENV (see the README's Security section)";
    private static final ObjectReader STRICT = Json.mapper().readerFor(RunAllowList.class)
            .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public RunAllowList {
        services = services == null ? Map.of() : Map.copyOf(new TreeMap<>(services));
    }

    /** This list plus {@code rule} for {@code service} (added to any rule it had). */
    public RunAllowList with(String service, RunRule rule) {
        Map<String, RunRule> merged = new LinkedHashMap<>(services);
        merged.merge(service, rule, RunRule::and);
        return new RunAllowList(merged);
    }

    /** This list plus every rule of {@code other}. */
    public RunAllowList with(RunAllowList other) {
        RunAllowList merged = this;
        for (Map.Entry<String, RunRule> e : other.services.entrySet()) {
            merged = merged.with(e.getKey(), e.getValue());
        }
        return merged;
    }

    /** The rule that applies to {@code service}: its own and the one for every service. */
    public RunRule ruleFor(String service) {
        return services.getOrDefault(service, RunRule.NOTHING).and(services.getOrDefault(EVERY_SERVICE, RunRule.NOTHING));
    }

    /** A request's check, before the driver is known: the image when one is given, otherwise the command; always the env. */
    public List<Refusal> check(String service, RunSpec run) {
        boolean hasImage = run.image() != null && !run.image().isBlank();
        return hasImage ? checkContainer(service, run) : checkProcess(service, run);
    }

    /** What the process driver would start: {@code command[0]} and the env. */
    public List<Refusal> checkProcess(String service, RunSpec run) {
        RunRule rule = ruleFor(service);
        List<Refusal> out = new ArrayList<>();
        if (!run.command().isEmpty()) {
            executableRefusal(service, run.command().get(0), rule).ifPresent(out::add);
        }
        out.addAll(envRefusals(service, run, rule));
        return out;
    }

    /** What the docker driver would run: the image and the env. */
    public List<Refusal> checkContainer(String service, RunSpec run) {
        RunRule rule = ruleFor(service);
        List<Refusal> out = new ArrayList<>();
        if (run.image() != null && !run.image().isBlank() && !imageAllowed(run.image().trim(), rule.images())) {
            out.add(new Refusal("run.image", "image " + run.image() + " is not on the allow-list of service " + service
                    + " (allowed: " + shown(rule.images()) + "); " + HOW_TO_ALLOW));
        }
        out.addAll(envRefusals(service, run, rule));
        return out;
    }

    private static java.util.Optional<Refusal> executableRefusal(String service, String program, RunRule rule) {
        if (program == null) {
            return java.util.Optional.empty(); // the request's own rules already refuse a null argument
        }
        if (rule.executables().contains(RunRule.ANY)) {
            return java.util.Optional.empty();
        }
        if (!program.startsWith("/") || !Path.of(program).normalize().toString().equals(program)) {
            return java.util.Optional.of(new Refusal("run.command[0]", "'" + program + "' is not a normalised absolute "
                    + "path; the allow-list names programs by path, e.g. /usr/bin/python3"));
        }
        boolean allowed = rule.executables().stream()
                .anyMatch(entry -> entry.endsWith("/") ? program.startsWith(entry) : program.equals(entry));
        return allowed ? java.util.Optional.empty() : java.util.Optional.of(new Refusal("run.command[0]", "executable "
                + program + " is not on the allow-list of service " + service + " (allowed: "
                + shown(rule.executables()) + "); " + HOW_TO_ALLOW));
    }

    private static List<Refusal> envRefusals(String service, RunSpec run, RunRule rule) {
        return run.env().keySet().stream().sorted()
                .filter(LoaderEnvironment::affectsLoading)
                .filter(name -> !rule.env().contains(name))
                .map(name -> new Refusal("run.env." + name, "environment variable " + name + " changes how a program "
                        + "loads and is not allowed for service " + service + "; " + HOW_TO_ALLOW))
                .toList();
    }

    static boolean imageAllowed(String image, List<String> entries) {
        String repository = repositoryOf(image);
        for (String entry : entries) {
            if (entry.equals(RunRule.ANY)
                    || (entry.endsWith("/") && repository.startsWith(entry))
                    || (hasTagOrDigest(entry) ? image.equals(entry) : repository.equals(entry))) {
                return true;
            }
        }
        return false;
    }

    /** {@code registry:5000/team/web:v2@sha256:…} → {@code registry:5000/team/web}. */
    static String repositoryOf(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    private static boolean hasTagOrDigest(String entry) {
        return !repositoryOf(entry).equals(entry);
    }

    private static String shown(List<String> entries) {
        return entries.isEmpty() ? "nothing" : String.join(", ", entries);
    }

    /**
     * Reads {@code KANARY_ALLOW_LIST_FILE} (JSON: {@code {"services": {"web": {"executables": [...],
     * "images": [...], "env": [...]}, "*": {...}}}}) and adds {@code KANARY_ALLOW_EXECUTABLES},
     * {@code KANARY_ALLOW_IMAGES} and {@code KANARY_ALLOW_ENV} (comma-separated) for every service.
     * With none of them set nothing may run.
     */
    public static RunAllowList fromEnv(Map<String, String> env) {
        RunAllowList list = NOTHING;
        String file = env.get("KANARY_ALLOW_LIST_FILE");
        if (file != null && !file.isBlank()) {
            list = list.with(read(Path.of(file.trim())));
        }
        RunRule everyService = new RunRule(split(env.get("KANARY_ALLOW_EXECUTABLES")), split(env.get("KANARY_ALLOW_IMAGES")),
                split(env.get("KANARY_ALLOW_ENV")));
        return everyService.equals(RunRule.NOTHING) ? list : list.with(EVERY_SERVICE, everyService);
    }

    /** Reads an allow-list file; a file that cannot be read or parsed is an error naming it. */
    public static RunAllowList read(Path file) {
        try {
            return STRICT.readValue(Files.readString(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot read the allow-list " + file + ": " + e.getMessage().split("\n")[0]
                    + "; expected {\"services\": {\"web\": {\"executables\": [\"/usr/bin/python3\"], \"images\": [], \"env\": []}}}", e);
        }
    }

    private static List<String> split(String value) {
        return value == null ? List.of() : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
