package dev.tollgate.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code application/x-www-form-urlencoded} bodies, as Stripe and Twilio clients send. */
final class FormBodies {
    private FormBodies() {
    }

    /** Returns the fields of {@code body}; a repeated name keeps its last value. */
    static Map<String, String> parse(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }
}
