package io.kanary.cli.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver. Where either is missing a test is
 * skipped with the reason; with {@code CI} set it fails instead, since .ci/run installs both and a
 * silent skip there would hide that the browser tests never ran.
 */
final class Chromium {
    static final String BROWSER = "/usr/bin/chromium";
    static final String DRIVER = "/usr/bin/chromedriver";

    private Chromium() {
    }

    /** A new headless browser; the test is skipped (or fails in CI) when Chromium or its driver is missing. */
    static ChromeDriver start() {
        require(BROWSER, "chromium");
        require(DRIVER, "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        // Named explicitly, so Selenium Manager never looks for (or downloads) a browser or a driver.
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    private static void require(String binary, String debianPackage) {
        if (!Files.isExecutable(Path.of(binary))) {
            String why = binary + " is missing: install Debian's " + debianPackage + " package (apt-get install "
                    + debianPackage + ")";
            if (System.getenv("CI") != null) {
                fail("The browser tests cannot run, and CI is set: " + why);
            }
            Assumptions.abort("Skipping: " + why);
        }
    }
}
