package io.kanary.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kanary.cli.stack.ServiceName;
import org.junit.jupiter.api.Test;

/** kanary up refuses bad notification flags with a sentence naming the flag, before it starts anything. */
class NotifierFlagsTest {

    @Test
    void shouldRefuseAWebhookUrlThatIsNotHttp() {
        CliRun run = CliRun.of("up", "--webhook-url", "http://ok/hook,hooks.example.com/x");
        assertEquals(2, run.exit(), run.toString());
        assertEquals("error: --webhook-url has 'hooks.example.com/x', but it does not start with http:// or https://; "
                + "give an http(s) URL such as http://127.0.0.1:9093\n", run.err());
    }

    @Test
    void shouldRefuseAnAlertmanagerUrlWithoutHost() {
        CliRun run = CliRun.of("up", "--alertmanager-url", "http://:9093");
        assertEquals(2, run.exit(), run.toString());
        assertEquals("error: --alertmanager-url has 'http://:9093', but it names no host; give an http(s) URL such as "
                + "http://127.0.0.1:9093\n", run.err());
    }

    @Test
    void shouldRefuseAnUnknownWebhookFormat() {
        CliRun run = CliRun.of("up", "--webhook-format", "teams");
        assertEquals(2, run.exit(), run.toString());
        assertEquals("error: --webhook-format is 'teams', an unknown webhook format; use one of cloudevents, slack\n",
                run.err());
    }

    @Test
    void shouldKnowTheNotifierAsAService() {
        assertEquals(ServiceName.NOTIFIER, ServiceName.parse("notifier"));
        assertEquals("notifier", ServiceName.NOTIFIER.flagName());
    }
}
