package dev.tollgate.client;

/**
 * A failed call to a Tollgate server: an error reply, with its status and the server's message,
 * or a failure to reach the server (status 0).
 */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Returns the HTTP status, or 0 when no reply arrived. */
    public int status() {
        return status;
    }
}
