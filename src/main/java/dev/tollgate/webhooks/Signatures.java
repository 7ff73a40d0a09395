package dev.tollgate.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook secrets and the two signatures every delivery carries.
 *
 * <ul>
 *   <li>{@code X-Webhook-Signature}: lowercase hex HMAC-SHA256 of the raw body, keyed by the
 *       UTF-8 bytes of the whole secret string, as the Lava SDK's receivers compute it.
 *   <li>{@code webhook-signature}: the Standard Webhooks form {@code v1,<base64>}, the
 *       HMAC-SHA256 of {@code "<webhook-id>.<webhook-timestamp>.<body>"} keyed by the bytes
 *       that the base64 text after {@code whsec_} decodes to.
 * </ul>
 *
 * Thread-safe.
 */
public final class Signatures {
    /** The prefix of every secret, as the Standard Webhooks libraries expect it. */
    public static final String SECRET_PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {
    }

    /** Returns a new secret: {@code whsec_} and the base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** Returns the {@code X-Webhook-Signature} value for {@code body}. */
    public static String hexSignature(String secret, byte[] body) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** Returns the {@code webhook-signature} value for a message id, time and body. */
    public static String standardSignature(String secret, String messageId, Instant timestamp,
            byte[] body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        byte[] prefix = (messageId + "." + timestamp.getEpochSecond() + ".")
                .getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, signed));
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
