package dev.tollgate.billing;

/**
 * A price file that cannot be used: unreadable, not valid JSON, or with an entry whose field is
 * missing, unknown or invalid. The message names the file, the entry and the field.
 */
public final class PriceFileException extends RuntimeException {
    PriceFileException(String message) {
        super(message);
    }

    PriceFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
