package io.kanary.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SafeUrlTest {

    @Test
    void shouldShowAUrlWithNothingToHideWhole() {
        assertEquals("http://127.0.0.1:9093", SafeUrl.of(URI.create("http://127.0.0.1:9093")));
        assertEquals("https://hooks.example.com/kanary", SafeUrl.of(URI.create("https://hooks.example.com/kanary")));
    }

    @Test
    void shouldHideASlackWebhooksToken() {
        URI slack = URI.create("https://hooks.slack.com/services/T000/B000/XXXXsecret");

        String shown = SafeUrl.of(slack);

        assertEquals("https://hooks.slack.com/services/… #" + SafeUrl.hash(slack.toString()), shown);
        assertFalse(shown.contains("XXXXsecret"));
    }

    @Test
    void shouldHideAUserPasswordAndAQueryToken() {
        assertEquals("http://am:9093/… #" + SafeUrl.hash("http://admin:pw@am:9093?token=abc"),
                SafeUrl.of(URI.create("http://admin:pw@am:9093?token=abc")));
    }

    @Test
    void shouldTellTwoHiddenUrlsApart() {
        assertFalse(SafeUrl.of(URI.create("https://h/services/a/b")).equals(SafeUrl.of(URI.create("https://h/services/a/c"))));
    }
}
