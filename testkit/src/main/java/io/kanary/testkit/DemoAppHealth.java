package io.kanary.testkit;

import io.kanary.kafka.Json;
import io.kanary.schema.Instance;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a running demo-app, over real HTTP, which version it is: its health URL answers 200 with {@code {"version": ...}}. */
public final class DemoAppHealth {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private DemoAppHealth() {
    }

    /** The version {@code instance} reports; an IOException when it answers anything but 200. */
    public static String healthVersion(Instance instance) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(instance.healthUrl())).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(instance.healthUrl() + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.mapper().readTree(response.body()).path("version").asText();
    }
}
