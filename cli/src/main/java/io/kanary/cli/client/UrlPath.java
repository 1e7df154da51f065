package io.kanary.cli.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A user's word (a deployment id, a service) as one segment or query value of a planner URL, never more. */
public final class UrlPath {
    private UrlPath() {
    }

    public static String encode(String word) {
        // URLEncoder writes form encoding; in a path a space is %20, not '+'.
        return URLEncoder.encode(word, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
