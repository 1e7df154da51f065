package io.kanary.cli.stack;

import java.util.List;

/**
 * How {@code kanary up} shows what it does and tells people about it.
 *
 * @param metricsPort     the port of {@code /metrics} for every service of this process: -1 (the default)
 *                        means the planner's HTTP port when the planner runs here, else a free port;
 *                        0 a free port; anything else that port
 * @param dashboardPort   the live web dashboard's port (0: a free one)
 * @param alertmanagerUrl the Alertmanager the notifier posts alerts to, e.g. {@code http://127.0.0.1:9093},
 *                        or null for none
 * @param webhookUrls     where the notifier posts every breach and deployment event as a CloudEvent (none: empty)
 * @param webhookFormat   {@code cloudevents} (the default) or {@code slack}
 */
public record ObservabilityOptions(int metricsPort, int dashboardPort, String alertmanagerUrl, List<String> webhookUrls,
                                   String webhookFormat) {
    public static final int METRICS_ON_PLANNER_PORT = -1;
    public static final int DEFAULT_DASHBOARD_PORT = 8081;
    public static final String DEFAULT_WEBHOOK_FORMAT = "cloudevents";

    public ObservabilityOptions {
        webhookUrls = webhookUrls == null ? List.of() : List.copyOf(webhookUrls);
        webhookFormat = webhookFormat == null || webhookFormat.isBlank() ? DEFAULT_WEBHOOK_FORMAT : webhookFormat;
        alertmanagerUrl = alertmanagerUrl == null || alertmanagerUrl.isBlank() ? null : alertmanagerUrl;
    }

    /** Metrics beside the planner's API, the dashboard on a free port, no Alertmanager and no webhooks: what tests want. */
    public static ObservabilityOptions defaults() {
        return new ObservabilityOptions(METRICS_ON_PLANNER_PORT, 0, null, List.of(), DEFAULT_WEBHOOK_FORMAT);
    }
}
