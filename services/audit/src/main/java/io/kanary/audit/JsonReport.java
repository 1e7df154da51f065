package io.kanary.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kanary.kafka.Json;
import java.time.Instant;
import java.util.List;

/** The report as a JSON document: the text report's content, with full ids and the events themselves. */
final class JsonReport {
    private JsonReport() {
    }

    static String render(AuditReport report, AuditFilter filter) {
        ObjectMapper mapper = Json.mapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("events", report.eventCount());
        ObjectNode filterNode = root.putObject("filter");
        filterNode.put("service", filter.service());
        filterNode.put("deploymentId", filter.deploymentId());
        report.problems().forEach(root.putArray("problems")::add);

        ArrayNode deployments = root.putArray("deployments");
        for (DeploymentTimeline d : report.deployments()) {
            if (filter.matches(d)) {
                deployments.add(deployment(mapper, d, report));
            }
        }
        ArrayNode services = root.putArray("services");
        for (ServiceTimeline s : report.services()) {
            if (!filter.matchesService(s.service())) {
                continue;
            }
            ObjectNode service = services.addObject();
            service.put("service", s.service());
            ArrayNode ids = service.putArray("deployments");
            s.deployments().stream().filter(filter::matches).forEach(d -> ids.add(d.deploymentId()));
            ArrayNode others = service.putArray("otherEvents");
            if (!s.otherEvents().isEmpty()) {
                Instant start = s.otherEvents().get(0).time();
                s.otherEvents().forEach(e -> others.add(entry(mapper, TimelineEntry.standalone(e, start, report))));
            }
            probeCounts(service.putArray("unattributedProbes"), s.unattributedProbes());
        }
        ArrayNode hosts = root.putArray("hostEvents");
        if (!report.hostEvents().isEmpty()) {
            Instant start = report.hostEvents().get(0).time();
            report.hostEvents().forEach(e -> hosts.add(entry(mapper, TimelineEntry.standalone(e, start, report))));
        }
        ArrayNode undecodable = root.putArray("undecodable");
        report.undecodable().forEach(u -> undecodable.add(mapper.valueToTree(u)));
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the audit report as JSON: " + e.getMessage(), e);
        }
    }

    private static ObjectNode deployment(ObjectMapper mapper, DeploymentTimeline d, AuditReport report) {
        ObjectNode node = mapper.createObjectNode();
        node.put("deploymentId", d.deploymentId());
        node.put("service", d.service());
        node.put("version", d.version());
        node.put("baselineVersion", d.baselineVersion());
        node.put("start", d.start().toString());
        node.put("outcome", d.outcome());
        node.put("chainComplete", d.chainComplete());
        d.brokenLinks().forEach(node.putArray("brokenLinks")::add);
        ArrayNode events = node.putArray("events");
        TimelineEntry.of(d, report).forEach(e -> events.add(entry(mapper, e)));
        probeCounts(node.putArray("probes"), d.probeCounts());
        ArrayNode evidence = node.putArray("evidence");
        d.evidence().forEach(v -> evidence.add(mapper.valueToTree(v)));
        return node;
    }

    private static ObjectNode entry(ObjectMapper mapper, TimelineEntry entry) {
        AuditEvent e = entry.event();
        ObjectNode node = mapper.createObjectNode();
        node.put("time", e.time().toString());
        node.put("sinceStartMs", entry.sinceStart().toMillis());
        node.put("topic", e.topic());
        node.put("partition", e.partition());
        node.put("offset", e.offset());
        node.put("key", e.key());
        node.put("id", e.id());
        node.put("type", e.ceType() != null ? e.ceType() : e.event().ceType());
        node.put("source", e.ceSource());
        node.put("subject", e.ceSubject());
        node.put("causationId", e.causationId());
        node.put("recordTimestamp", e.timestamp().toString());
        node.put("summary", entry.summary());
        node.set("data", mapper.valueToTree(e.event()));
        return node;
    }

    private static void probeCounts(ArrayNode array, List<ProbeCount> counts) {
        counts.forEach(c -> array.add(Json.mapper().valueToTree(c)));
    }
}
