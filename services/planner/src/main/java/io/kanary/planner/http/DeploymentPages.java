package io.kanary.planner.http;

import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Violation;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The pages of {@code GET /v1/deployments}: newest first (by when each deployment started, or was
 * queued; ties by id), {@code limit} at a time (default {@value #DEFAULT_LIMIT}, at most
 * {@value #MAX_LIMIT}), each page naming the next by an opaque cursor ({@code after}), optionally only
 * one {@code service} and one {@code phase}. A page is read from the view's ordered index, so its cost
 * is its size, not the history (a filter that matches rarely scans until the page is full).
 *
 * <p>The cursor is the position of the page's last deployment, not an offset: deployments that start
 * meanwhile are newer and never shift a walk already under way.
 */
final class DeploymentPages {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final String PATH = "/v1/deployments";

    private DeploymentPages() {
    }

    /** A page asked for: what to show after which position. */
    record Query(int limit, PlannerView.ListKey after, String service, Phase phase) {
    }

    /** The query of {@code params}, or what is wrong with it (each parameter named, for a 400 problem). */
    record Parsed(Query query, List<Violation> violations) {
    }

    /** One page: the deployments, and the path of the next page (null on the last). */
    record Page(List<DeploymentView> deployments, String next) {
    }

    static Parsed parse(MultiMap params) {
        List<Violation> violations = new ArrayList<>();
        int limit = DEFAULT_LIMIT;
        String rawLimit = params.get("limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                violations.add(new Violation("limit", "must be a whole number from 1 to " + MAX_LIMIT + ", was \""
                        + rawLimit + "\"; leave it out for " + DEFAULT_LIMIT));
            }
        }
        PlannerView.ListKey after = null;
        String rawAfter = params.get("after");
        if (rawAfter != null) {
            try {
                after = decode(rawAfter);
            } catch (IllegalArgumentException | DateTimeException e) {
                violations.add(new Violation("after", "is not a cursor this API gave; pass the \"next\" link of the "
                        + "previous page as it is, or leave it out for the first page"));
            }
        }
        Phase phase = null;
        String rawPhase = params.get("phase");
        if (rawPhase != null) {
            try {
                phase = Phase.valueOf(rawPhase.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("phase", "unknown phase \"" + rawPhase + "\"; one of "
                        + Arrays.toString(Phase.values())));
            }
        }
        return new Parsed(violations.isEmpty() ? new Query(limit, after, params.get("service"), phase) : null,
                List.copyOf(violations));
    }

    static Page page(PlannerView view, Query query) {
        var rest = query.after() == null ? view.newestFirst() : view.newestFirst().tailMap(query.after(), false);
        List<DeploymentView> page = new ArrayList<>();
        PlannerView.ListKey last = null;
        boolean more = false;
        for (Map.Entry<PlannerView.ListKey, DeploymentView> entry : rest.entrySet()) {
            DeploymentView d = entry.getValue();
            if ((query.service() != null && !query.service().equals(d.service()))
                    || (query.phase() != null && query.phase() != d.phase())) {
                continue;
            }
            if (page.size() == query.limit()) {
                more = true;
                break;
            }
            page.add(d);
            last = entry.getKey();
        }
        return new Page(List.copyOf(page), more ? nextPath(query, last) : null);
    }

    private static String nextPath(Query query, PlannerView.ListKey last) {
        StringBuilder path = new StringBuilder(PATH).append("?limit=").append(query.limit()).append("&after=")
                .append(encode(last));
        if (query.service() != null) {
            path.append("&service=").append(URLEncoder.encode(query.service(), StandardCharsets.UTF_8));
        }
        if (query.phase() != null) {
            path.append("&phase=").append(query.phase().name());
        }
        return path.toString();
    }

    /** The cursor of a position: base64url of its start time and id, opaque to clients. */
    static String encode(PlannerView.ListKey key) {
        String plain = (key.startedAt() == null ? "-" : key.startedAt().toString()) + "|" + key.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static PlannerView.ListKey decode(String cursor) {
        String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int bar = plain.indexOf('|');
        if (bar < 1 || bar == plain.length() - 1) {
            throw new IllegalArgumentException("not a cursor");
        }
        String at = plain.substring(0, bar);
        return new PlannerView.ListKey(at.equals("-") ? null : Instant.parse(at), plain.substring(bar + 1));
    }
}
