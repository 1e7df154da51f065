package io.kanary.planner.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.planner.state.Phase;
import io.kanary.planner.state.Planner;
import io.kanary.planner.state.Violation;
import io.kanary.schema.DeployRequest;
import io.kanary.schema.HostEvent;
import io.kanary.schema.KanaryEvent;
import io.kanary.schema.RunSpec;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeploymentPagesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final Planner planner = new Planner();
    private PlannerView view;

    /** Seven deployments, each of its own service, started a second apart: s0 the oldest, s6 the newest. */
    @BeforeEach
    void sevenDeployments() {
        planner.observe(new HostEvent.Announced(id(), 1, "host-1", "process", T0));
        for (int i = 0; i < 7; i++) {
            planner.onRequest(new DeployRequest(id(), KanaryEvent.SCHEMA_VERSION, "d" + i, "s" + i, "v1",
                    RunSpec.process(List.of("app"), Map.of()), List.of("host-1"), 1, null, "test", T0),
                    T0.plusSeconds(i));
        }
        view = PlannerView.of(planner);
    }

    @Test
    void shouldWalkEveryDeploymentNewestFirstByFollowingNext() {
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = "/v1/deployments?limit=3";
        while (next != null) {
            DeploymentPages.Page page = DeploymentPages.page(view, query(next));
            page.deployments().forEach(d -> seen.add(d.id()));
            sizes.add(page.deployments().size());
            next = page.next();
        }

        assertEquals(List.of("d6", "d5", "d4", "d3", "d2", "d1", "d0"), seen);
        assertEquals(List.of(3, 3, 1), sizes);
    }

    @Test
    void shouldGiveFiftyByDefaultAndNoNextOnTheLastPage() {
        DeploymentPages.Page page = DeploymentPages.page(view, query("/v1/deployments"));

        assertEquals(7, page.deployments().size());
        assertNull(page.next());
    }

    @Test
    void shouldFilterByServiceAndPhaseAcrossPages() {
        DeploymentPages.Page s3 = DeploymentPages.page(view, query("/v1/deployments?service=s3"));
        DeploymentPages.Page rolling = DeploymentPages.page(view, query("/v1/deployments?phase=rolling&limit=6"));
        DeploymentPages.Page succeeded = DeploymentPages.page(view, query("/v1/deployments?phase=SUCCEEDED"));

        assertEquals(List.of("d3"), s3.deployments().stream().map(DeploymentView::id).toList());
        assertEquals(6, rolling.deployments().size());
        assertEquals("/v1/deployments?limit=6&after=" + DeploymentPages.encode(new PlannerView.ListKey(T0.plusSeconds(1), "d1"))
                + "&phase=ROLLING", rolling.next());
        assertTrue(succeeded.deployments().isEmpty());
        assertEquals(Phase.ROLLING, rolling.deployments().get(0).phase());
    }

    @Test
    void shouldRefuseALimitOutOfRangeOrNotANumberNamingIt() {
        for (String limit : List.of("0", "501", "ten", "-1", "2.5")) {
            DeploymentPages.Parsed parsed = DeploymentPages.parse(params("limit=" + limit));

            assertNull(parsed.query(), limit);
            assertEquals(List.of(new Violation("limit", "must be a whole number from 1 to 500, was \"" + limit
                    + "\"; leave it out for 50")), parsed.violations());
        }
        assertEquals(500, DeploymentPages.parse(params("limit=500")).query().limit());
    }

    @Test
    void shouldRefuseACursorItDidNotGiveAndAnUnknownPhase() {
        DeploymentPages.Parsed parsed = DeploymentPages.parse(params("after=not-a-cursor!&phase=done"));

        assertNull(parsed.query());
        assertEquals(List.of("after", "phase"), parsed.violations().stream().map(Violation::field).toList());
    }

    private static DeploymentPages.Query query(String path) {
        URI uri = URI.create(path);
        return DeploymentPages.parse(params(uri.getRawQuery())).query();
    }

    private static MultiMap params(String rawQuery) {
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                params.add(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
