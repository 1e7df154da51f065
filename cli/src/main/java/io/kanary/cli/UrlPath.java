package io.kanary.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A user's word (a deployment id, a service) as one segment or query value of a planner URL, never more. */
final class UrlPath {
    private UrlPath() {
    }

    static String encode(String word) {
        // URLEncoder writes form encoding; in a path a space is %20, not '+'.
        return URLEncoder.encode(word, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
