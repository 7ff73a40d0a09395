package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.ApiError;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Request metadata: string pairs from the {@code x-lava-metadata} header (a JSON object), the
 * {@code metadata} query parameter (the same), and {@code X-Lava-Metadata-<Key>} headers, whose
 * keys are stored in lower case. At most 100 pairs; keys are 1 to 255 ASCII letters, digits and
 * underscores; values are 1 to 255 characters.
 */
public final class Metadata {
    public static final int MAX_PAIRS = 100;
    public static final int MAX_LENGTH = 255;
    static final String HEADER = "x-lava-metadata";
    static final String HEADER_PREFIX = "x-lava-metadata-";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,255}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Metadata() {
    }

    /** Adds the pairs of a JSON object given as {@code source} (a header or query name). */
    static void addJson(Map<String, String> pairs, String json, String source) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            throw ApiError.invalid(source, "Metadata in '" + source + "' is not valid JSON; send"
                    + " an object of strings such as {\"feature\":\"chat\"}.");
        }
        if (node == null || !node.isObject()) {
            throw ApiError.invalid(source, "Metadata in '" + source + "' must be a JSON object of"
                    + " strings such as {\"feature\":\"chat\"}.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw ApiError.invalid("metadata." + field.getKey(), "Metadata value of '"
                        + field.getKey() + "' must be a string.");
            }
            put(pairs, field.getKey(), field.getValue().asText());
        }
    }

    /** Adds the {@code metadata} query parameter of a raw query string, if present. */
    static void addQuery(Map<String, String> pairs, String rawQuery) {
        if (rawQuery == null) {
            return;
        }
        for (String param : rawQuery.split("&")) {
            if (param.startsWith("metadata=")) {
                addJson(pairs, URLDecoder.decode(param.substring(9), StandardCharsets.UTF_8), "metadata");
            }
        }
    }

    /**
     * Validates and adds one pair.
     *
     * @throws ApiError 400 naming the key when the key or value breaks a limit
     */
    static void put(Map<String, String> pairs, String key, String value) {
        if (!KEY.matcher(key).matches()) {
            throw ApiError.invalid("metadata." + key, "Metadata key '" + truncate(key) + "' is"
                    + " invalid: use 1 to 255 ASCII letters, digits or underscores.");
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw ApiError.invalid("metadata." + key, "Metadata value of '" + key + "' must be 1"
                    + " to " + MAX_LENGTH + " characters, not " + value.length() + ".");
        }
        pairs.put(key, value);
        if (pairs.size() > MAX_PAIRS) {
            throw ApiError.invalid("metadata." + key, "Request metadata has more than "
                    + MAX_PAIRS + " pairs.");
        }
    }

    static Map<String, String> empty() {
        return new LinkedHashMap<>();
    }

    private static String truncate(String key) {
        return key.length() > 40 ? key.substring(0, 40) + "..." : key;
    }
}
