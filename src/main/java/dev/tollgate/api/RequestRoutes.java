package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.ApiError;
import dev.tollgate.gateway.ManualUsage;
import dev.tollgate.gateway.RequestRecord;
import dev.tollgate.gateway.RequestRecords;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.storage.Timestamps;
import io.helidon.webserver.http.HttpRouting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code /v1/requests}: list, retrieve, and record usage that happened elsewhere. */
final class RequestRoutes {
    private static final long MAX_COUNT = 1_000_000_000_000L;

    private final RequestRecords records;
    private final ManualUsage manualUsage;
    private final Endpoints endpoints;

    RequestRoutes(RequestRecords records, ManualUsage manualUsage, Endpoints endpoints) {
        this.records = records;
        this.manualUsage = manualUsage;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/requests", endpoints.authenticated(call -> Reply.ok(ListBody.of(
                        records.list(call.caller(), filter(call), call.page()).map(RequestView::of)))))
                .get("/v1/requests/{id}", endpoints.authenticated(call ->
                        Reply.ok(RequestView.of(records.get(call.caller(), call.pathParam("id"))))))
                .post("/v1/requests", endpoints.authenticated(this::create));
    }

    /** Reads {@code customer_id}, {@code meter_id} and {@code metadata_filters} from the query. */
    static RequestRecords.Filter filter(Call call) {
        Map<String, String> metadata = new LinkedHashMap<>();
        Optional<String> filters = call.query("metadata_filters");
        if (filters.isPresent()) {
            JsonNode pairs = JsonBody.parseQueryJson("metadata_filters", filters.get());
            if (!pairs.isArray()) {
                throw badFilters();
            }
            for (JsonNode pair : pairs) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()
                        || !pair.get(1).isTextual()) {
                    throw badFilters();
                }
                metadata.put(pair.get(0).asText(), pair.get(1).asText());
            }
        }
        return new RequestRecords.Filter(call.query("customer_id"), call.query("meter_id"), metadata);
    }

    private static ApiError badFilters() {
        return ApiError.invalid("metadata_filters", "metadata_filters must be a JSON array of"
                + " [key, value] string pairs, such as [[\"feature\",\"chat\"]].");
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        String requestId = body.requiredText("request_id", 255);
        Map<String, String> metadata = new LinkedHashMap<>();
        body.optionalStringMap("metadata", 100, 255).ifPresent(metadata::putAll);
        ManualUsage.Report usage = new ManualUsage.Report(requestId,
                body.requiredText("customer_id", 255), body.requiredText("meter_slug", 64), metadata,
                count(body, "input_tokens"), count(body, "output_tokens"),
                count(body, "input_characters"), count(body, "output_characters"),
                count(body, "input_seconds"), count(body, "output_seconds"),
                fingerprint(body.canonical()));
        ManualUsage.Result result = manualUsage.record(call.caller(), usage);
        RequestView view = RequestView.of(result.record());
        return result.created() ? Reply.created(view) : Reply.ok(view);
    }

    /** Returns a whole, non-negative count field of the body, 0 when it is absent. */
    private static long count(JsonBody body, String field) {
        return body.optionalCount(field, MAX_COUNT).orElse(0L);
    }

    private static String fingerprint(String canonicalJson) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonicalJson.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The wire form of a request record. */
    record RequestView(String requestId, String status, String customerId, String meterId,
            String provider, String providerKeyType, String model, String endpoint,
            String responseId, UsageView modelUsage, String cost, ChargeView charge,
            Map<String, String> metadata, boolean estimated, boolean simulated, String timestamp,
            String createdAt) {
        static RequestView of(RequestRecord r) {
            TokenUsage t = r.tokens();
            UsageView usage = new UsageView(t.inputTotal(), t.output(), t.total(), t.cacheRead(),
                    t.cacheWrite(), t.reasoning(), r.inputCharacters(), r.outputCharacters(),
                    r.inputCharacters() + r.outputCharacters(), r.inputSeconds(), r.outputSeconds(),
                    r.inputSeconds() + r.outputSeconds(), r.inputCost().toWire(),
                    r.outputCost().toWire(), r.cost().toWire());
            ChargeView charge = new ChargeView(r.charge().toWire(),
                    r.rateType() == null ? "fixed" : r.rateType(),
                    Json.parseStored(r.breakdownJson() == null ? "[]" : r.breakdownJson()));
            return new RequestView(r.requestId(), r.status(), r.customerId(), r.meterId(),
                    r.provider(), r.providerKeyType(), r.model(), r.endpoint(), r.responseId(), usage,
                    r.cost().toWire(), charge, r.metadata(), r.estimated(), r.simulated(),
                    Timestamps.formatNullable(r.completedAt()), Timestamps.format(r.createdAt()));
        }
    }

    record UsageView(long inputTokens, long outputTokens, long totalTokens, long cacheReadTokens,
            long cacheWriteTokens, long reasoningTokens, long inputCharacters,
            long outputCharacters, long totalCharacters, long inputSeconds, long outputSeconds,
            long totalSeconds, String inputCost, String outputCost, String totalCost) {
    }

    record ChargeView(String amount, String rateType, JsonNode breakdown) {
    }
}
