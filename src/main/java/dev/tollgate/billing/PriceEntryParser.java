package dev.tollgate.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.money.Rate;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the fields of one model entry of a price file. Prices are decimal strings such as
 * {@code "1.25"} (exact JSON numbers are accepted too): {@code input}, {@code cached_input},
 * {@code cache_write} and {@code output} in dollars per million tokens, {@code long_context}
 * with {@code above_input_tokens} and the same four prices, {@code per_million_characters} in
 * dollars per million characters and {@code per_minute} in dollars per minute of audio.
 * {@code cached_input} and {@code cache_write} default to {@code input}.
 */
final class PriceEntryParser {
    private static final Set<String> TOKEN_FIELDS =
            Set.of("input", "cached_input", "cache_write", "output");
    private static final Set<String> ENTRY_FIELDS = Set.of("input", "cached_input",
            "cache_write", "output", "long_context", "per_million_characters", "per_minute",
            "note");
    private static final Set<String> LONG_CONTEXT_FIELDS = Set.of("above_input_tokens", "input",
            "cached_input", "cache_write", "output");

    private final PriceFileParser file;
    private final String entry;

    PriceEntryParser(PriceFileParser file, String entry) {
        this.file = file;
        this.entry = entry;
    }

    ModelPrice parse(String provider, String model, JsonNode node) {
        file.checkFields(node, ENTRY_FIELDS, entry);
        if (node.has("note") && !node.get("note").isTextual()) {
            throw file.invalid(entry + ", field 'note' must be a string");
        }
        boolean hasTokenPrices = TOKEN_FIELDS.stream().anyMatch(node::has);
        Optional<Rate> perMillionCharacters = rate(node, "per_million_characters", entry);
        Optional<Rate> perMinute = rate(node, "per_minute", entry);
        if (!hasTokenPrices && perMillionCharacters.isEmpty() && perMinute.isEmpty()) {
            throw file.invalid(entry + " has no price. Give 'input' and 'output', "
                    + "'per_million_characters' or 'per_minute'");
        }
        TokenPrices tokens = hasTokenPrices ? tokenPrices(node, entry) : TokenPrices.ZERO;
        Optional<ModelPrice.LongContext> longContext = Optional.empty();
        if (node.has("long_context")) {
            if (!hasTokenPrices) {
                throw file.invalid(entry + ", field 'long_context' needs token prices: give "
                        + "'input' and 'output' too");
            }
            longContext = Optional.of(longContext(node.get("long_context")));
        }
        return new ModelPrice(provider, model, tokens, longContext, perMillionCharacters,
                perMinute);
    }

    private ModelPrice.LongContext longContext(JsonNode node) {
        String where = entry + ", field 'long_context'";
        file.requireObject(node, where);
        file.checkFields(node, LONG_CONTEXT_FIELDS, where);
        JsonNode threshold = node.get("above_input_tokens");
        if (threshold == null) {
            throw file.invalid(where + " is missing field 'above_input_tokens'");
        }
        if (!threshold.isIntegralNumber() || !threshold.canConvertToLong()
                || threshold.longValue() <= 0) {
            throw file.invalid(where + ", field 'above_input_tokens' must be a positive whole "
                    + "number of tokens such as 200000, not " + threshold);
        }
        return new ModelPrice.LongContext(threshold.longValue(), tokenPrices(node, where));
    }

    private TokenPrices tokenPrices(JsonNode node, String where) {
        Rate input = requiredRate(node, "input", where);
        Rate output = requiredRate(node, "output", where);
        Rate cachedInput = rate(node, "cached_input", where).orElse(input);
        Rate cacheWrite = rate(node, "cache_write", where).orElse(input);
        return new TokenPrices(input, cachedInput, cacheWrite, output);
    }

    private Rate requiredRate(JsonNode node, String field, String where) {
        return rate(node, field, where).orElseThrow(() -> file.invalid(where
                + " is missing field '" + field + "', which token prices need"));
    }

    private Optional<Rate> rate(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null) {
            return Optional.empty();
        }
        String subject = where + ", field '" + field + "' ";
        if (!value.isTextual() && !value.isNumber()) {
            throw file.invalid(subject + "must be a decimal string such as \"1.25\", not " + value);
        }
        String text = value.isTextual() ? value.textValue() : value.decimalValue().toPlainString();
        try {
            return Optional.of(Rate.parse(text));
        } catch (IllegalArgumentException e) {
            throw file.invalid(subject + e.getMessage() + ", not " + value);
        }
    }
}
