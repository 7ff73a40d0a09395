package dev.tollgate.gateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Builds request bodies for the simulator tests and parses what the simulator returns. */
final class Exchanges {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Exchanges() {
    }

    static Simulator simulator() {
        return new Simulator(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** Returns JSON bytes from text written with single quotes in place of double quotes. */
    static byte[] body(String singleQuotedJson) {
        return singleQuotedJson.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode json(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        return json(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses each event of a streaming response, checking that it ends with a blank line. */
    static List<ServerSentEvent> events(SimulatedResponse response) {
        assertThat(response.streaming()).isTrue();
        List<ServerSentEvent> events = new ArrayList<>();
        for (byte[] bytes : response.events()) {
            events.add(ServerSentEvent.parse(new String(bytes, StandardCharsets.UTF_8)));
        }
        return events;
    }

    /** Returns the JSON data of every event, for streams whose events all carry JSON. */
    static List<JsonNode> eventData(SimulatedResponse response) {
        return events(response).stream().map(ServerSentEvent::json).toList();
    }

    /** One server-sent event: its {@code event:} name, empty when unnamed, and its data. */
    record ServerSentEvent(String name, String data) {
        static ServerSentEvent parse(String wire) {
            assertThat(wire).endsWith("\n\n");
            String[] lines = wire.substring(0, wire.length() - 2).split("\n", -1);
            String name = "";
            List<String> data = new ArrayList<>();
            for (String line : lines) {
                assertThat(line).as("blank line inside one event").isNotEmpty();
                if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else {
                    assertThat(line).startsWith("data: ");
                    data.add(line.substring("data: ".length()));
                }
            }
            return new ServerSentEvent(name, String.join("\n", data));
        }

        JsonNode json() {
            return Exchanges.json(data);
        }
    }
}
