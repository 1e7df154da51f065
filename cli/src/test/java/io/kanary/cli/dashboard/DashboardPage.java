package io.kanary.cli.dashboard;

import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The dashboard as a user sees it in the browser: what the tests read and press. */
final class DashboardPage {
    private final WebDriver browser;

    DashboardPage(WebDriver browser) {
        this.browser = browser;
    }

    void open(String url) {
        browser.get(url);
    }

    /** The text of {@code part} (phase, reason, breach, message, ...) of a deployment's card, or "" while the card is not there. */
    String text(String deploymentId, String part) {
        List<WebElement> found = browser.findElements(By.cssSelector(card(deploymentId) + " ." + part));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    /** Opens the deployment's audit timeline (it loads as it opens). */
    void openTimeline(String deploymentId) {
        browser.findElement(By.cssSelector(card(deploymentId) + " .timeline summary")).click();
    }

    /** The timeline's entries, each "+s.ss s summary" and, on a second line, "← caused by: ..." when its cause is shown. */
    @SuppressWarnings("unchecked")
    List<String> timeline(String deploymentId) {
        // Read in one script: the page replaces the entries as the timeline loads, so elements found first could go stale.
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document.querySelectorAll("
                + "arguments[0])).map(e => e.innerText)", card(deploymentId) + " .timeline li");
    }

    boolean hasCharts(String deploymentId) {
        return browser.findElements(By.cssSelector(card(deploymentId) + " .charts canvas")).size() >= 2;
    }

    boolean canPress(String deploymentId, String action) {
        List<WebElement> found = browser.findElements(button(deploymentId, action));
        return !found.isEmpty() && found.get(0).isDisplayed() && found.get(0).isEnabled();
    }

    void press(String deploymentId, String action) {
        browser.findElement(button(deploymentId, action)).click();
    }

    /** Types {@code token} into the token field and keeps it for this tab, as a user does. */
    void enterToken(String token) {
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("save-token")).click();
    }

    private static By button(String deploymentId, String action) {
        return By.cssSelector(card(deploymentId) + " .controls button[data-action='" + action + "']");
    }

    private static String card(String deploymentId) {
        return "section.deployment[data-id='" + deploymentId + "']";
    }
}
