package dev.tollgate.core;

import java.util.Optional;

/**
 * An expected failure that the client caused or can act on. It carries the HTTP status, a
 * stable machine-readable code, the request field at fault (such as {@code tiers[1].start})
 * and a message that is safe to show the client. The API maps it once to the JSON error body.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;

    private ApiError(int status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /** A value that is present but not valid: 400. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    /** A value rejected for a reason with its own stable code, such as an expired code: 400. */
    public static ApiError badRequest(String code, String param, String message) {
        return new ApiError(400, "invalid_request_error", code, param, message);
    }

    /** A required field that is absent or null: 400. */
    public static ApiError missing(String param) {
        String message = "Missing required field '" + param + "'.";
        return new ApiError(400, "invalid_request_error", "missing_field", param, message);
    }

    /** A field of the wrong JSON type: 400. */
    public static ApiError wrongType(String param, String expected) {
        String message = "Field '" + param + "' must be " + expected + ".";
        return new ApiError(400, "invalid_request_error", "wrong_type", param, message);
    }

    /** A request body that is not a JSON object: 400. */
    public static ApiError malformedBody(String message) {
        return new ApiError(400, "invalid_request_error", "invalid_json", null, message);
    }

    /** A field that names an object that does not exist for this merchant: 400. */
    public static ApiError unknownReference(String param, String message) {
        return new ApiError(400, "invalid_request_error", "resource_missing", param, message);
    }

    /** Missing, malformed or revoked credentials: 401. */
    public static ApiError unauthenticated(String message) {
        return new ApiError(401, "authentication_error", "invalid_api_key", null, message);
    }

    /** An object that does not exist for the caller: 404. */
    public static ApiError notFound(String resource, String id) {
        String message = "No " + resource + " with id '" + id + "'.";
        return new ApiError(404, "not_found_error", "resource_missing", null, message);
    }

    /** An object that does not exist, described by {@code message}: 404. */
    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", "resource_missing", null, message);
    }

    /** A path that has no route: 404. */
    public static ApiError noRoute(String method, String path) {
        String message = "No route for " + method + " " + path + ". Check the path and method.";
        return new ApiError(404, "not_found_error", "route_missing", null, message);
    }

    /** A state conflict, such as a duplicate slug or deleting an object in use: 409. */
    public static ApiError conflict(String code, String param, String message) {
        return new ApiError(409, "conflict_error", code, param, message);
    }

    /** The caller may not do this, such as a meter the customer's plan does not include: 403. */
    public static ApiError forbidden(String code, String message) {
        return new ApiError(403, "permission_error", code, null, message);
    }

    /** Not enough credit, or a payment that failed: 402. */
    public static ApiError paymentRequired(String code, String message) {
        return new ApiError(402, "payment_required", code, null, message);
    }

    /** An object that no longer accepts this request, such as an expired checkout session: 410. */
    public static ApiError gone(String code, String message) {
        return new ApiError(410, "invalid_request_error", code, null, message);
    }

    /** Too many attempts or messages in a time window: 429. */
    public static ApiError rateLimited(String code, String message) {
        return new ApiError(429, "rate_limit_error", code, null, message);
    }

    /** A feature the operator has not configured, such as live checkout without SMS: 503. */
    public static ApiError notConfigured(String code, String message) {
        return new ApiError(503, "api_error", code, null, message);
    }

    /** A failure of the upstream provider, or of reaching it: 502 (or 504 for a timeout). */
    public static ApiError upstream(int status, String code, String message) {
        return new ApiError(status, "upstream_error", code, null, message);
    }

    /** A request body over the size limit: 413. */
    public static ApiError tooLarge(long maxBytes) {
        String message = "Request body is larger than " + maxBytes + " bytes.";
        return new ApiError(413, "invalid_request_error", "body_too_large", null, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public Optional<String> param() {
        return Optional.ofNullable(param);
    }
}
