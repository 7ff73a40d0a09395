package dev.tollgate.gateway.simulator;

/**
 * A simulated request that the real provider would reject with 400. Each provider format turns
 * it into that provider's own error body.
 */
final class InvalidRequestException extends RuntimeException {
    private final String param;
    private final String code;

    /**
     * @param param the request field at fault, or null when the whole body is at fault
     * @param code a short OpenAI-style error code such as {@code missing_required_parameter}
     * @param message a client-safe message that names the field and the fix
     */
    InvalidRequestException(String param, String code, String message) {
        super(message, null, false, false);
        this.param = param;
        this.code = code;
    }

    static InvalidRequestException missing(String param, String expected) {
        String message = "Missing required parameter '" + param + "'. Send " + expected + ".";
        return new InvalidRequestException(param, "missing_required_parameter", message);
    }

    static InvalidRequestException invalid(String param, String message) {
        return new InvalidRequestException(param, "invalid_value", message);
    }

    /** Returns the request field at fault, or null when the whole body is at fault. */
    String param() {
        return param;
    }

    String code() {
        return code;
    }
}
