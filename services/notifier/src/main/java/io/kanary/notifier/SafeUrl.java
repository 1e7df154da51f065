package io.kanary.notifier;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A target's URL as logs, dead letters and banners may show it. Webhook URLs often carry their
 * credential (a Slack or Teams incoming webhook's path is its token; a URL may hold a user and
 * password or a {@code ?token=}), and none of those places is secret. So only the scheme, the host,
 * the port and the first path segment are shown; whatever is hidden is replaced by {@code …} and
 * the URL's {@link #hash}, which still tells two targets apart. A URL with nothing to hide is shown whole.
 */
public final class SafeUrl {
    private SafeUrl() {
    }

    /** E.g. {@code https://hooks.slack.com/services/… #3f2a1b9c0d4e}; {@code http://127.0.0.1:9093} as it is. */
    public static String of(URI url) {
        String[] segments = Arrays.stream(url.getRawPath() == null ? new String[0] : url.getRawPath().split("/"))
                .filter(s -> !s.isEmpty()).toArray(String[]::new);
        boolean hides = url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || segments.length > 1;
        if (!hides) {
            return url.toString();
        }
        String shown = url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (segments.length == 0 ? "/" : "/" + segments[0] + "/");
        return shown + "… #" + hash(url.toString());
    }

    /** The first 12 hex digits of the SHA-256 of {@code text}: stable across restarts, and no way back to it. */
    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
