package dev.tollgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.core.ApiError;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

/**
 * The credential of a gateway request: a raw secret key, or a forward token (standard base64
 * of JSON {@code {secret_key, customer_id?, meter_slug?, provider_key?, disable_billing?}},
 * where null, absent and false all occur). The mode follows from which fields are set.
 */
public record ForwardToken(String secretKey, Optional<String> customerId,
        Optional<String> meterSlug, Optional<String> providerKey, boolean disableBilling) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** How a request is billed, from the token's fields. */
    public enum Mode {
        /** Secret key only: provider cost recorded against the merchant. */
        MERCHANT,
        /** A meter without a customer: usage recorded on the meter. */
        METER_ONLY,
        /** A customer and a meter: the meter's charge is debited from the customer. */
        CUSTOMER
    }

    public Mode mode() {
        if (meterSlug.isEmpty()) {
            return Mode.MERCHANT;
        }
        return customerId.isPresent() ? Mode.CUSTOMER : Mode.METER_ONLY;
    }

    /**
     * Parses the value of {@code Authorization: Bearer} or {@code x-api-key}.
     *
     * @throws ApiError 401 when it is neither a secret key nor a well-formed forward token
     */
    public static ForwardToken parse(String credential) {
        if (credential.startsWith("aks_")) {
            return new ForwardToken(credential, Optional.empty(), Optional.empty(),
                    Optional.empty(), false);
        }
        if (credential.length() > MAX_TOKEN_LENGTH) {
            throw invalid("it is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        JsonNode json;
        try {
            json = JSON.readTree(Base64.getDecoder().decode(credential));
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("it is not base64-encoded JSON");
        }
        if (json == null || !json.isObject()) {
            throw invalid("it does not decode to a JSON object");
        }
        String secretKey = text(json, "secret_key")
                .orElseThrow(() -> invalid("it has no secret_key"));
        if (text(json, "customer_id").isPresent() && text(json, "meter_slug").isEmpty()) {
            throw invalid("customer_id needs meter_slug");
        }
        return new ForwardToken(secretKey, text(json, "customer_id"), text(json, "meter_slug"),
                text(json, "provider_key"), flag(json, "disable_billing"));
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid("its " + field + " is not a non-empty string");
        }
        return Optional.of(value.asText());
    }

    private static boolean flag(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid("its " + field + " is not true, false or null");
        }
        return value.asBoolean();
    }

    private static ApiError invalid(String reason) {
        return ApiError.unauthenticated("Invalid forward token: " + reason + ". Send a secret key"
                + " or a token from lava.generateForwardToken().");
    }

    @Override
    public String toString() {
        // Never print the keys.
        return "ForwardToken[mode=" + mode() + ", customerId=" + customerId.orElse("-")
                + ", meterSlug=" + meterSlug.orElse("-") + ", byok=" + providerKey.isPresent() + "]";
    }
}
