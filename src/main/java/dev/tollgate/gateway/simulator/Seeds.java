package dev.tollgate.gateway.simulator;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Derives reproducible seeds from bytes, so equal requests get equal replies on any JVM. */
final class Seeds {
    private Seeds() {
    }

    /** Returns the first 8 bytes of the SHA-256 hash of {@code bytes} as a long. */
    static long of(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
