package dev.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** A response of the HTTP API: status, parsed JSON body and raw text. */
public record ApiResponse(int status, JsonNode json, String text) {

    /** Returns the text at a JSON pointer such as {@code /error/param}, or null. */
    public String at(String pointer) {
        JsonNode node = json.at(pointer);
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
