package dev.tollgate.api;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replies to requests that the HTTP layer rejects before any route runs (a malformed request line,
 * a missing Host header, a bad percent-escape, headers that are too large) with the same JSON
 * error body as the API, instead of an empty response. Helidon's own message is logged, not
 * sent, because it can quote the request.
 */
public final class TransportErrors implements DirectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TransportErrors.class);

    private TransportErrors() {
    }

    /** Returns handlers for every event type the HTTP layer reports. */
    public static DirectHandlers handlers() {
        TransportErrors handler = new TransportErrors();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
            ServerResponseHeaders headers, String message) {
        LOG.debug("HTTP layer rejected a request event={} status={} reason={}", eventType,
                status.code(), message);
        Failure failure = failureFor(eventType, status);
        byte[] body = Json.write(Endpoints.errorBody(failure.type(), failure.code(), null,
                failure.message()));
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        headers.set(HeaderNames.CACHE_CONTROL, "no-store");
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .keepAlive(eventType.keepAlive())
                .entity(body)
                .build();
    }

    static Failure failureFor(EventType eventType, Status status) {
        return switch (eventType) {
            case BAD_REQUEST -> new Failure("invalid_request_error", "malformed_request",
                    "The HTTP request is malformed. Send a valid request line and a Host header,"
                            + " and escape '%' in the path as %25.");
            case PAYLOAD_TOO_LARGE -> new Failure("invalid_request_error", "request_too_large",
                    "The request line, headers or body are too large. Send less.");
            case HTTP_VERSION_NOT_SUPPORTED -> new Failure("invalid_request_error",
                    "http_version_not_supported", "This HTTP version is not supported. Send"
                            + " HTTP/1.1.");
            case FORBIDDEN -> new Failure("permission_error", "forbidden",
                    "The request was refused.");
            case INTERNAL_ERROR -> new Failure("api_error", "internal_error",
                    "The server failed to handle this request. It was logged; retry later.");
            case OTHER -> new Failure(status.code() >= 500 ? "api_error" : "invalid_request_error",
                    "request_rejected", "The request was rejected: " + status.reasonPhrase()
                            + ".");
        };
    }

    /** The error body's type, code and message. */
    record Failure(String type, String code, String message) {
    }
}
