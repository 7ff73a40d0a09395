package dev.tollgate.gateway;

import java.util.List;

/**
 * An upstream AI provider the gateway forwards to: its id, its API host, how a managed key is
 * sent, and the environment variables the operator's key is read from (first set wins).
 */
public record Provider(String id, String host, AuthStyle authStyle, List<String> keyVariables) {

    /** How the provider expects its API key. */
    public enum AuthStyle {
        /** {@code Authorization: Bearer <key>} */
        BEARER("authorization"),
        /** {@code x-api-key: <key>} */
        X_API_KEY("x-api-key"),
        /** {@code x-goog-api-key: <key>} */
        GOOGLE("x-goog-api-key"),
        /** {@code xi-api-key: <key>} */
        ELEVENLABS("xi-api-key");

        private final String header;

        AuthStyle(String header) {
            this.header = header;
        }

        /** The lowercase header name that carries the key. */
        public String header() {
            return header;
        }

        /** The header value for {@code key}. */
        public String value(String key) {
            return this == BEARER ? "Bearer " + key : key;
        }
    }
}
