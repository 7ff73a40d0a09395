package dev.tollgate.accounts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Generation and hashing of secret keys, spend keys and login codes. Keys carry about 238
 * random bits, so a single SHA-256 is enough to store them: no one can search that space, and a
 * slow hash would only slow every request down.
 */
public final class KeyHashing {
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int RANDOM_CHARS = 40;
    private static final int LOOKUP_PREFIX_CHARS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyHashing() {
    }

    /** Returns a new key: {@code prefix} followed by 40 random base62 characters. */
    public static String newKey(String prefix) {
        StringBuilder key = new StringBuilder(prefix);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            key.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return key.toString();
    }

    /** Returns the lowercase hex SHA-256 of the key's UTF-8 bytes. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Returns the indexed part of a hash. Lookups go by this prefix and then compare the whole
     * hash in constant time, so response times do not depend on how much of a guess matched.
     */
    public static String lookupPrefix(String hash) {
        return hash.substring(0, LOOKUP_PREFIX_CHARS);
    }

    public static boolean hashesEqual(String expected, String actual) {
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                actual.getBytes(StandardCharsets.US_ASCII));
    }

    public static String hint(String key) {
        return key.substring(key.length() - 4);
    }
}
