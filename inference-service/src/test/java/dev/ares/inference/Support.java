package dev.ares.inference;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers of the real-model tests: readiness wait, SSE parsing, metrics reading. */
final class Support {
    static final ObjectMapper JSON = new ObjectMapper();

    private Support() {
    }

    /** Waits (bounded: 120 s) until the fixture model is loaded. */
    static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (given().get("/v1/models").statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the fixture model did not load within 120 s");
    }

    /** The {@code data:} payloads of an SSE body, in order; each event must be one {@code data: } line. */
    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            if (!block.startsWith("data: ") || block.indexOf('\n') >= 0) {
                throw new AssertionError("not an SSE data event: " + block);
            }
            out.add(block.substring(6));
        }
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** The value of a metric line of /q/metrics (the first series whose name and labels match), or 0 when absent. */
    static double metric(String name, String labelFragment) {
        String text = given().get("/q/metrics").asString();
        Pattern p = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+|NaN)$", Pattern.MULTILINE);
        Matcher m = p.matcher(text);
        double sum = 0;
        boolean any = false;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labelFragment == null || labels.contains(labelFragment)) {
                sum += Double.parseDouble(m.group(2));
                any = true;
            }
        }
        return any ? sum : 0;
    }

    /** Polls {@code metric} (bounded: 30 s) until it equals {@code value}. */
    static void awaitMetric(String name, double value) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        double v = Double.NaN;
        while (System.nanoTime() < deadline) {
            v = metric(name, null);
            if (v == value) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(name + " stayed at " + v + ", expected " + value);
    }
}
