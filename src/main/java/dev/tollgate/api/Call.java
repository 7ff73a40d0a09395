package dev.tollgate.api;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.storage.PageRequest;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** One authenticated API request: the caller, path and query parameters, and the body. */
final class Call {
    /** The largest management request body accepted. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final ServerRequest request;
    private final Caller caller;

    Call(ServerRequest request, Caller caller) {
        this.request = request;
        this.caller = caller;
    }

    Caller caller() {
        return caller;
    }

    String pathParam(String name) {
        return withoutNul("Path parameter", name, request.path().pathParameters().get(name));
    }

    Optional<String> query(String name) {
        return request.query().first(name).asOptional()
                .filter(value -> !value.isEmpty())
                .map(value -> withoutNul("Query parameter", name, value));
    }

    /** Rejects a decoded value with U+0000, which PostgreSQL text cannot hold and no id has. */
    private static String withoutNul(String kind, String name, String value) {
        if (value.indexOf('\0') >= 0) {
            throw ApiError.invalid(name, kind + " '" + name
                    + "' must not contain the NUL character (%00).");
        }
        return value;
    }

    Optional<String> header(String name) {
        return request.headers().first(io.helidon.http.HeaderNames.create(name));
    }

    /** Reads {@code cursor} and {@code limit} from the query. */
    PageRequest page() {
        Optional<String> cursor = query("cursor");
        cursor.ifPresent(value -> {
            if (value.length() > 100 || !dev.tollgate.core.Ids.looksLikeId(value)) {
                throw ApiError.invalid("cursor", "Invalid cursor '" + value
                        + "'. Pass the next_cursor value of the previous page unchanged.");
            }
        });
        int limit = PageRequest.DEFAULT_LIMIT;
        Optional<String> limitText = query("limit");
        if (limitText.isPresent()) {
            String text = limitText.get();
            if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1
                    || Integer.parseInt(text) > PageRequest.MAX_LIMIT) {
                throw ApiError.invalid("limit", "Invalid limit '" + text
                        + "'. Use a whole number from 1 to " + PageRequest.MAX_LIMIT + ".");
            }
            limit = Integer.parseInt(text);
        }
        return new PageRequest(cursor, limit);
    }

    /** Reads the request body as a JSON object, at most {@link #MAX_BODY_BYTES} long. */
    JsonBody body() {
        return readBody(request);
    }

    /** Reads a request body as a JSON object, at most {@link #MAX_BODY_BYTES} long. */
    static JsonBody readBody(ServerRequest request) {
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw ApiError.tooLarge(MAX_BODY_BYTES);
            }
            return JsonBody.parse(bytes);
        } catch (IOException e) {
            throw ApiError.malformedBody("Request body could not be read: " + e.getMessage());
        }
    }
}
