package io.kanary.planner.http.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API's bearer tokens, kept only as SHA-256 hashes: a file of lines
 * {@code <principal> <role> <sha256-hex of the token>} ({@code #} starts a comment). Whoever reads
 * the file learns who may do what, not how to do it.
 */
public final class TokenStore {
    public static final String TOKEN_PREFIX = "kanary_";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Principal> byHash;

    private TokenStore(Map<String, Principal> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    public static final TokenStore EMPTY = new TokenStore(Map.of());

    /** A store of one token (not hashed by the caller), e.g. the embedded default's or a test's. */
    public static TokenStore of(Principal principal, String token) {
        return EMPTY.with(principal, token);
    }

    /** This store plus {@code token} for {@code principal}. */
    public TokenStore with(Principal principal, String token) {
        Map<String, Principal> more = new HashMap<>(byHash);
        more.put(sha256(token), principal);
        return new TokenStore(more);
    }

    /** Reads a tokens file; a line that cannot be read is an error naming the file and line. */
    public static TokenStore read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the API tokens file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Principal> byHash = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length != 3 || !HEX_SHA256.matcher(fields[2]).matches()) {
                throw new IllegalArgumentException(where + " is not '<principal> <role> <sha256-hex>'; hash a token with: "
                        + "printf %s \"$TOKEN\" | sha256sum");
            }
            Principal principal;
            try {
                principal = new Principal(fields[0], Role.parse(fields[1]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (byHash.put(fields[2], principal) != null) {
                throw new IllegalArgumentException(where + " repeats a token hash; every token must be its own");
            }
        }
        return new TokenStore(byHash);
    }

    /** The principal a presented token belongs to. */
    public Optional<Principal> authenticate(String token) {
        return Optional.ofNullable(byHash.get(sha256(token)));
    }

    public boolean isEmpty() {
        return byHash.isEmpty();
    }

    /** A new random token: 256 bits, URL-safe, with a prefix that secret scanners can match. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The hex SHA-256 of a token, as a tokens file holds it. */
    public static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The tokens-file line for {@code principal} and {@code token}. */
    public static String line(Principal principal, String token) {
        return principal.name() + " " + principal.role().label() + " " + sha256(token);
    }
}
