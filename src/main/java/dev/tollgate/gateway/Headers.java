package dev.tollgate.gateway;

import dev.tollgate.core.ApiError;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Header and body handling of gateway requests and responses. */
final class Headers {
    /** Response headers not copied to the client: hop-by-hop ones and the length. */
    private static final Set<String> DROPPED_RESPONSE_HEADERS = Set.of("connection",
            "transfer-encoding", "keep-alive", "content-length", "upgrade", "trailer", "te",
            "proxy-authenticate", "set-cookie", "x-request-id");

    private Headers() {
    }

    /**
     * Returns the gateway credential: {@code Authorization: Bearer <token>} or {@code x-api-key}.
     *
     * @throws ApiError 401 when neither is present
     */
    static String credential(Map<String, List<String>> headers) {
        String authorization = first(headers, "authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String apiKey = first(headers, "x-api-key");
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.strip();
        }
        throw ApiError.unauthenticated("Missing credentials. Send 'Authorization: Bearer <forward"
                + " token or secret key>' or 'x-api-key: <forward token>'.");
    }

    static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    /** Collects request metadata from the headers and the query. */
    static Map<String, String> metadata(Map<String, List<String>> headers, String rawQuery) {
        Map<String, String> pairs = Metadata.empty();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            for (String value : header.getValue()) {
                if (name.equals(Metadata.HEADER)) {
                    Metadata.addJson(pairs, value, Metadata.HEADER);
                } else if (name.startsWith(Metadata.HEADER_PREFIX)) {
                    // Header names are case-insensitive and HTTP/1.1 clients keep their own
                    // case, so keys from headers are lowercased to store one key per name.
                    Metadata.put(pairs, name.substring(Metadata.HEADER_PREFIX.length()), value);
                }
            }
        }
        Metadata.addQuery(pairs, rawQuery);
        return pairs;
    }

    /**
     * Reads a body of at most {@code maxBytes}.
     *
     * @throws ApiError 413 when it is longer
     */
    static byte[] readBody(InputStream in, int maxBytes) {
        try {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw ApiError.tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiError.malformedBody("The request body could not be read.");
        }
    }

    static boolean isEventStream(Map<String, List<String>> headers) {
        String type = first(headers, "content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    /** Returns whether the content type is audio, such as {@code audio/mpeg}. */
    static boolean isAudio(Map<String, List<String>> headers) {
        String type = first(headers, "content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("audio/");
    }

    /**
     * Returns whether the body may be JSON: its content type names JSON, as
     * {@code application/json} and {@code application/problem+json} do, or it has none. Audio,
     * plain text and multipart bodies are never parsed.
     */
    static boolean mayBeJson(Map<String, List<String>> headers) {
        String type = first(headers, "content-type");
        return type == null || type.toLowerCase(Locale.ROOT).contains("json");
    }

    /** Returns the provider's response headers that go to the client. */
    static Map<String, List<String>> responseHeaders(Map<String, List<String>> upstream) {
        Map<String, List<String>> copied = new LinkedHashMap<>();
        upstream.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!name.startsWith(":") && !DROPPED_RESPONSE_HEADERS.contains(lower)) {
                copied.put(lower, values);
            }
        });
        return copied;
    }

    static Map<String, List<String>> single(Map<String, String> headers) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        headers.forEach((name, value) -> multi.put(name.toLowerCase(Locale.ROOT), List.of(value)));
        return multi;
    }
}
