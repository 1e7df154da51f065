package io.kanary.planner.http.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the API authenticates: bearer tokens from a {@link TokenStore} (the default, and the only
 * choice beyond loopback), or not at all ({@code PLANNER_AUTH=none}, loopback only, every request
 * then acts as {@link Principal#ANONYMOUS_LOCAL}).
 *
 * @param tokens the accepted tokens, or null when authentication is off
 */
public record ApiAuth(TokenStore tokens) {
    /** Tokens required, none accepted: every request is refused until tokens are configured. */
    public static final ApiAuth NOBODY = new ApiAuth(TokenStore.EMPTY);
    /** No authentication: loopback only. */
    public static final ApiAuth OFF = new ApiAuth(null);

    public static ApiAuth tokens(TokenStore tokens) {
        return new ApiAuth(tokens);
    }

    /** One bearer token for one principal: the embedded default's credential, or a test's. */
    public static ApiAuth single(Principal principal, String token) {
        return tokens(TokenStore.of(principal, token));
    }

    public boolean enabled() {
        return tokens != null;
    }

    /** Refuses to serve beyond loopback without authentication. */
    public void checkBind(String host) {
        if (!enabled() && !isLoopback(host)) {
            throw new IllegalArgumentException("The API would listen on " + host + " without authentication; "
                    + "bind it to 127.0.0.1 or set PLANNER_TOKENS_FILE (and not PLANNER_AUTH=none)");
        }
    }

    /**
     * {@code PLANNER_AUTH} ({@code tokens}, the default, or {@code none}) and {@code PLANNER_TOKENS_FILE}
     * (lines {@code <principal> <role> <sha256-hex>}), required with tokens.
     */
    public static ApiAuth fromEnv(Map<String, String> env) {
        String mode = env.getOrDefault("PLANNER_AUTH", "tokens").trim();
        if (mode.equals("none")) {
            return OFF;
        }
        if (!mode.equals("tokens")) {
            throw new IllegalArgumentException("PLANNER_AUTH must be 'tokens' or 'none' (loopback only), was '" + mode + "'");
        }
        String file = env.get("PLANNER_TOKENS_FILE");
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("PLANNER_TOKENS_FILE is not set: the API needs a tokens file of lines "
                    + "'<principal> <viewer|deployer|operator> <sha256-hex of the token>' (see the README's Security section)");
        }
        return tokens(TokenStore.read(Path.of(file.trim())));
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
