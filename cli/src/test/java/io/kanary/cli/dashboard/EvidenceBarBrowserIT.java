package io.kanary.cli.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kanary.dashboard.DashboardConfig;
import io.kanary.dashboard.DashboardService;
import io.kanary.kafka.Topic;
import io.kanary.kafka.Topics;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.Judgement;
import io.kanary.schema.KanaryEvent;
import io.kanary.testkit.BrokerWithTopics;
import io.kanary.testkit.RawTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The evidence bar in a real headless Chromium: the dashboard on a real broker, fed the breach-detector's
 * judgement.progress records on judgements, draws the waiting batch's bar moving toward "healthy" and
 * fills it when the healthy judgement comes.
 */
class EvidenceBarBrowserIT {
    /** From the record on its topic to the page: the feed polls every 0.2 s, the page is pushed every 0.5 s. */
    private static final Duration ON_THE_PAGE = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-03-14T09:00:00Z");

    @RegisterExtension
    final BrokerWithTopics broker = new BrokerWithTopics();

    private DashboardService dashboard;
    private ChromeDriver browser;

    @BeforeEach
    void start() {
        browser = Chromium.start();
        dashboard = DashboardService.start(DashboardConfig.defaults(broker.kafka()).withHttpPort(0));
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void showsTheWaitingBatchsBarMovingTowardHealthyThenFilledByItsVerdict() throws Exception {
        publish(Topics.DEPLOY_EVENTS, new DeploymentEvent.Started("s-1", 1, "web-7", "web", "v2", "v1",
                Map.of("host-1", "v1", "host-2", "v1"), null, null, List.of(List.of("host-1"), List.of("host-2")), "ops", T0));
        publish(Topics.JUDGEMENTS, progress(0.25, 0.04, 3_000));
        browser.get("http://127.0.0.1:" + dashboard.port() + "/");

        WebElement bar = await().atMost(ON_THE_PAGE).until(() -> evidence("25"), e -> e != null);
        assertEquals("waiting", bar.getDomAttribute("data-state"));
        assertEquals("batch 1 waiting for evidence", bar.findElement(By.className("evidence-label")).getText());
        assertEquals("healthy 25% · breach 4% · 120 samples · waited 3 s of 120 s",
                bar.findElement(By.className("evidence-text")).getText());
        // The bars' widths move with a short transition: wait for them to settle rather than read them mid-way.
        await().atMost(ON_THE_PAGE).until(() -> width(bar, "toward-healthy") > 5 * width(bar, "toward-breach")
                && width(bar, "toward-breach") > 0);

        publish(Topics.JUDGEMENTS, progress(0.75, 0.04, 8_000));
        WebElement moved = await().atMost(ON_THE_PAGE).until(() -> evidence("75"), e -> e != null);
        await().atMost(ON_THE_PAGE).until(() -> width(moved, "toward-healthy") >= 0.7 * width(moved, "evidence-bar"));

        publish(Topics.JUDGEMENTS, new Judgement.Healthy("j-1", 1, "web-7", "web", "v2", 0, 92, 0.0, 41.0,
                "mSPRT healthy on probes", 3.7, 3.689, "batch 1/2 healthy on 92 probes in 9.2s", T0.plusSeconds(9)));
        WebElement judged = await().atMost(ON_THE_PAGE).until(() -> evidence("100"), e -> e != null);
        assertEquals("healthy", judged.getDomAttribute("data-state"));
        assertEquals("batch 1 healthy", judged.findElement(By.className("evidence-label")).getText());
    }

    /** The card's evidence bar when it shows {@code percent} toward healthy, else null. */
    private WebElement evidence(String percent) {
        List<WebElement> found = browser.findElements(By.cssSelector(
                "section.deployment[data-id='web-7'] .evidence[data-toward-healthy='" + percent + "']"));
        return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    }

    private static int width(WebElement evidence, String part) {
        return evidence.findElement(By.className(part)).getRect().getWidth();
    }

    private static Judgement.Progress progress(double towardHealthy, double towardBreach, long waitedMs) {
        return new Judgement.Progress("p-" + waitedMs, KanaryEvent.SCHEMA_VERSION, "web-7", "web", "v2", 0, 120, 0, 0.0,
                towardHealthy * 3.689, 3.689, towardHealthy, towardBreach * 8.3, 8.3, towardBreach, waitedMs, 120_000,
                "batch 1/2 waiting", T0.plusMillis(waitedMs));
    }

    private <T> void publish(Topic<String, T> topic, T event) throws Exception {
        RawTopics.write(broker.kafka(), topic.name(), "web", topic.valueSerde().serializer().serialize(topic.name(), event));
    }
}
