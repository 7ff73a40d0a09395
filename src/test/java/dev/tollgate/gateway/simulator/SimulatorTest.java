package dev.tollgate.gateway.simulator;

import static dev.tollgate.gateway.simulator.Exchanges.body;
import static dev.tollgate.gateway.simulator.Exchanges.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SimulatorTest {
    private static final String CHAT = "{'model':'gpt-4o','stream':true,"
            + "'messages':[{'role':'user','content':'Count to three.'}]}";

    @Test
    void freshSimulatorsGiveIdenticalStreams() {
        List<byte[]> first = Exchanges.simulator()
                .respond("api.openai.com", "POST", "/v1/chat/completions", body(CHAT)).events();
        List<byte[]> second = Exchanges.simulator()
                .respond("api.openai.com", "POST", "/v1/chat/completions", body(CHAT)).events();

        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).as("event %d", i).isEqualTo(first.get(i));
        }
    }

    @Test
    void differentBodiesCanDiffer() {
        Simulator simulator = Exchanges.simulator();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String request = "{'model':'claude-haiku-4-5','max_tokens':100,"
                    + "'messages':[{'role':'user','content':'question " + i + "'}]}";
            SimulatedResponse response = simulator.respond("api.anthropic.com", "POST",
                    "/v1/messages", body(request));
            texts.add(json(response.body()).at("/content/0/text").asText());
        }

        assertThat(texts.stream().distinct().count()).isGreaterThan(1);
    }

    @Test
    void createdComesFromClock() {
        Instant later = Instant.parse("2030-06-15T08:30:00Z");
        Simulator simulator = new Simulator(Clock.fixed(later, ZoneOffset.UTC));
        String request = "{'model':'gpt-4o','messages':[{'role':'user','content':'hi'}]}";
        JsonNode completion = json(simulator.respond("api.openai.com", "POST",
                "/v1/chat/completions", body(request)).body());

        assertThat(completion.path("created").asLong()).isEqualTo(later.getEpochSecond());
    }

    @Test
    void concurrentRepliesGetUniqueIds() throws Exception {
        Simulator simulator = Exchanges.simulator();
        String request = "{'model':'gpt-4o','messages':[{'role':'user','content':'hi'}]}";
        Set<String> ids = ConcurrentHashMap.newKeySet();
        Set<String> texts = ConcurrentHashMap.newKeySet();
        List<Future<?>> tasks = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 200; i++) {
                tasks.add(pool.submit(() -> {
                    JsonNode completion = json(simulator.respond("api.openai.com", "POST",
                            "/v1/chat/completions", body(request)).body());
                    ids.add(completion.path("id").asText());
                    texts.add(completion.at("/choices/0/message/content").asText());
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        }

        assertThat(ids).hasSize(200);
        assertThat(texts).hasSize(1);
    }

    @Test
    void streamBodyTextJoinsEvents() {
        SimulatedResponse response = Exchanges.simulator()
                .respond("api.openai.com", "POST", "/v1/chat/completions", body(CHAT));

        assertThat(response.headers()).hasSize(2);
        assertThatThrownBy(() -> response.headers().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(response.bodyText()).startsWith("data: {").endsWith("data: [DONE]\n\n");
    }
}
