package dev.tollgate.gateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a simulated Responses API stream, each named after its {@code type} and
 * numbered by {@code sequence_number}: {@code response.created}, {@code response.in_progress},
 * the output item and content part opening, one {@code response.output_text.delta} per word,
 * their closing events, then {@code response.completed} (or {@code response.incomplete} when
 * {@code max_output_tokens} cut the reply) with the usage.
 */
final class OpenAiResponsesStream {
    private final Reply reply;
    private final String itemId;
    private final List<byte[]> events = new ArrayList<>();

    private OpenAiResponsesStream(Reply reply) {
        this.reply = reply;
        this.itemId = reply.call().id("msg_");
    }

    static List<byte[]> events(Reply reply, JsonNode request) {
        OpenAiResponsesStream stream = new OpenAiResponsesStream(reply);
        stream.open(request);
        for (String word : reply.words()) {
            stream.add(stream.textEvent("response.output_text.delta").put("delta", word));
        }
        stream.close(request);
        return stream.events;
    }

    private void open(JsonNode request) {
        ObjectNode started = OpenAiResponses.started(reply, request);
        add(typed("response.created").set("response", started));
        add(typed("response.in_progress").set("response", started));

        ObjectNode itemAdded = typed("response.output_item.added").put("output_index", 0);
        itemAdded.set("item", OpenAiResponses.outputMessage(reply, false));
        add(itemAdded);
        add(textEvent("response.content_part.added")
                .set("part", OpenAiResponses.outputText("")));
    }

    private void close(JsonNode request) {
        String text = reply.text().text();
        add(textEvent("response.output_text.done").put("text", text));
        add(textEvent("response.content_part.done").set("part", OpenAiResponses.outputText(text)));

        ObjectNode itemDone = typed("response.output_item.done").put("output_index", 0);
        itemDone.set("item", OpenAiResponses.outputMessage(reply, true));
        add(itemDone);

        ObjectNode finished = OpenAiResponses.finished(reply, request);
        String type = reply.text().truncated() ? "response.incomplete" : "response.completed";
        add(typed(type).set("response", finished));
    }

    /** Returns an event about the message's only text part. */
    private ObjectNode textEvent(String type) {
        return typed(type)
                .put("item_id", itemId)
                .put("output_index", 0)
                .put("content_index", 0);
    }

    private static ObjectNode typed(String type) {
        return Wire.object().put("type", type);
    }

    private void add(ObjectNode event) {
        event.put("sequence_number", events.size());
        events.add(Wire.namedEvent(event.path("type").textValue(), event));
    }
}
