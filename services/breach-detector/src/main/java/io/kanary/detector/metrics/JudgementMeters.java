package io.kanary.detector.metrics;

import io.kanary.detector.window.Observation;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.streams.processor.api.ContextualFixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Meters each observation on its way to the judgement: counts the probe (or the traffic sample's
 * requests) judged and shows the figures the judgement sees. When the task closes (it moved to another instance, or the job
 * stops), the gauges of the services it judged go with it, as the new owner shows them now.
 */
public final class JudgementMeters extends ContextualFixedKeyProcessor<String, Observation, Observation> {
    private final DetectorMetrics metrics;
    private final JudgementGauges gauges;
    private final Set<String> shown = new HashSet<>();

    public JudgementMeters(DetectorMetrics metrics, JudgementGauges gauges) {
        this.metrics = metrics;
        this.gauges = gauges;
    }

    @Override
    public void process(FixedKeyRecord<String, Observation> record) {
        Observation observation = record.value();
        String service = observation.deployment().service();
        if (observation.isTraffic()) {
            metrics.requestsJudged(service, observation.sample().requests());
        } else {
            metrics.probeJudged(service);
        }
        gauges.show(observation);
        shown.add(service);
        context().forward(record);
    }

    @Override
    public void close() {
        shown.forEach(gauges::forget);
        shown.clear();
    }
}
