package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The request body as parsed for metering, and the body sent upstream. A body that is not
 * JSON, such as a multipart upload, has a null {@code json} and is sent unchanged.
 */
record Prepared(UpstreamTarget target, ResponseFormat format, JsonNode json, String model,
        UnitEstimate units, byte[] upstreamBody, boolean dropUsageOnlyChunks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Prepared of(UpstreamTarget target, byte[] body, String contentType) {
        ResponseFormat format = ResponseFormat.detect(target.provider().host(), target.path())
                .orElse(null);
        JsonNode json = parseJson(body);
        MultipartForm form = json == null ? MultipartForm.parse(body, contentType)
                : MultipartForm.empty();
        String model = modelOf(json, form, target.path());
        UnitEstimate units = UnitEstimate.of(format, json, form);
        boolean inject = format == ResponseFormat.OPENAI_CHAT && json instanceof ObjectNode object
                && object.path("stream").asBoolean(false)
                && !object.path("stream_options").path("include_usage").asBoolean(false);
        if (!inject) {
            return new Prepared(target, format, json, model, units, body, false);
        }
        // Ask for usage so the stream can be billed exactly; the client never sees that chunk.
        ObjectNode changed = ((ObjectNode) json).deepCopy();
        changed.putObject("stream_options").put("include_usage", true);
        return new Prepared(target, format, json, model, units, toBytes(changed), true);
    }

    static JsonNode parseJson(byte[] body) {
        if (body.length == 0 || (body[0] != '{' && body[0] != '[' && body[0] != ' ')) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Returns the model named by the body's {@code model}, or {@code model_id} as ElevenLabs
     * names it, in JSON or as a multipart field, else by a Gemini path, else null.
     */
    private static String modelOf(JsonNode json, MultipartForm form, String path) {
        for (String field : new String[] {"model", "model_id"}) {
            if (json != null && json.path(field).isTextual()) {
                return json.path(field).asText();
            }
            if (form.field(field).filter(value -> !value.isBlank()).isPresent()) {
                return form.field(field).get().strip();
            }
        }
        int models = path.indexOf("/models/");
        if (models >= 0) {
            String rest = path.substring(models + "/models/".length());
            int colon = rest.indexOf(':');
            return colon > 0 ? rest.substring(0, colon) : rest;
        }
        return null;
    }

    private static byte[] toBytes(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
