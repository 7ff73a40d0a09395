package dev.tollgate.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Patch;
import dev.tollgate.core.WireEnum;
import dev.tollgate.money.Money;
import dev.tollgate.money.Rate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JSON object from a request body, read field by field with errors that name the field's
 * full path ({@code credit_bundles[2].cost}), what was expected and an example. Unknown fields
 * are ignored. A field that is absent and a field that is null are both "not given", except in
 * {@link #patch} where null means "clear".
 */
final class JsonBody {
    private final ObjectNode node;
    private final String pathPrefix;

    private JsonBody(ObjectNode node, String pathPrefix) {
        this.node = node;
        this.pathPrefix = pathPrefix;
    }

    /** Parses a request body; an empty body is an empty object. */
    static JsonBody parse(byte[] bytes) {
        if (bytes.length == 0) {
            return new JsonBody(Json.MAPPER.createObjectNode(), "");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (StreamConstraintsException e) {
            StreamReadConstraints limits = Json.MAPPER.getFactory().streamReadConstraints();
            throw ApiError.malformedBody("Request body exceeds the JSON parser's limits:"
                    + " send at most " + limits.getMaxNestingDepth() + " levels of nesting and"
                    + " numbers of at most " + limits.getMaxNumberLength() + " digits.");
        } catch (JsonProcessingException e) {
            String original = String.valueOf(e.getOriginalMessage());
            if (original.startsWith("Duplicate field")) {
                throw ApiError.malformedBody("Request body has a field twice ("
                        + original.substring("Duplicate field ".length())
                        + "). Send each field once.");
            }
            // Jackson leaves the location null for some failures.
            JsonLocation location = e.getLocation();
            String where = location == null ? ""
                    : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw ApiError.malformedBody("Request body is not valid JSON" + where
                    + ". Send a JSON object with Content-Type: application/json.");
        } catch (java.io.IOException e) {
            throw ApiError.malformedBody("Request body could not be read as JSON.");
        }
        if (root == null || root.isMissingNode()) {
            return new JsonBody(Json.MAPPER.createObjectNode(), "");
        }
        if (!root.isObject()) {
            throw ApiError.malformedBody("Request body must be a JSON object, not "
                    + describe(root) + ".");
        }
        return new JsonBody((ObjectNode) root, "");
    }

    String path(String field) {
        return pathPrefix + field;
    }

    /** Returns whether the field is present, even as null. */
    boolean has(String field) {
        return node.has(field);
    }

    private Optional<JsonNode> given(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    String requiredText(String field, int maxLength) {
        return optionalText(field, maxLength).orElseThrow(() -> ApiError.missing(path(field)));
    }

    Optional<String> optionalText(String field, int maxLength) {
        return given(field).map(value -> text(field, value, maxLength));
    }

    private String text(String field, JsonNode value, int maxLength) {
        if (!value.isTextual()) {
            throw ApiError.wrongType(path(field), "a string, not " + describe(value));
        }
        String text = value.asText().strip();
        // PostgreSQL text cannot store U+0000, and no name or id needs it.
        if (text.indexOf('\0') >= 0) {
            throw ApiError.invalid(path(field), "Field '" + path(field)
                    + "' must not contain the NUL character (\\u0000).");
        }
        if (text.isEmpty()) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' must not be empty.");
        }
        if (text.length() > maxLength) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' is "
                    + text.length() + " characters long; the maximum is " + maxLength + ".");
        }
        return text;
    }

    /** Reads a nullable text field of an update: absent, null (clear) or a value. */
    Patch<String> patchText(String field, int maxLength) {
        if (!node.has(field)) {
            return Patch.absent();
        }
        return Patch.of(optionalText(field, maxLength).orElse(null));
    }

    <E extends Enum<E> & WireEnum> E requiredChoice(String field, Class<E> type) {
        return optionalChoice(field, type).orElseThrow(() -> ApiError.missing(path(field)));
    }

    <E extends Enum<E> & WireEnum> Optional<E> optionalChoice(String field, Class<E> type) {
        return optionalText(field, 64).map(code -> WireEnum.fromCode(type, code)
                .orElseThrow(() -> ApiError.invalid(path(field), "Unknown value '" + code
                        + "' for '" + path(field) + "'. Use one of: "
                        + WireEnum.codes(type) + ".")));
    }

    /** Reads an amount in dollars such as "25.00" with at most {@code maxFractionDigits}. */
    Money requiredMoney(String field, int maxFractionDigits) {
        return optionalMoney(field, maxFractionDigits)
                .orElseThrow(() -> ApiError.missing(path(field)));
    }

    Optional<Money> optionalMoney(String field, int maxFractionDigits) {
        return given(field).map(value -> {
            String text = decimalText(field, value);
            try {
                return Money.parse(text, maxFractionDigits, Money.MAX_PLAN_AMOUNT);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(path(field), "Field '" + path(field) + "' value \"" + text
                        + "\" " + e.getMessage() + "; give a dollar amount of at most "
                        + Money.MAX_PLAN_AMOUNT.toPlainString() + " with at most "
                        + maxFractionDigits + " fractional digits, such as \"25.00\".");
            }
        });
    }

    Rate requiredRate(String field) {
        JsonNode value = given(field).orElseThrow(() -> ApiError.missing(path(field)));
        String text = decimalText(field, value);
        try {
            return Rate.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' value \"" + text
                    + "\" " + e.getMessage() + "; give a non-negative decimal of at most "
                    + Rate.MAX.toPlainString() + " with at most 10 fractional digits, such as \"2.50\".");
        }
    }

    private String decimalText(String field, JsonNode value) {
        if (!value.isTextual()) {
            throw ApiError.wrongType(path(field), "a decimal string such as \"25.00\", not "
                    + describe(value) + " (numbers lose precision in JSON)");
        }
        return value.asText();
    }

    /** Reads a non-negative whole number given as a JSON integer or a string of digits. */
    long requiredCount(String field, long max) {
        JsonNode value = given(field).orElseThrow(() -> ApiError.missing(path(field)));
        BigDecimal number;
        if (value.isIntegralNumber()) {
            number = value.decimalValue();
        } else if (value.isTextual() && value.asText().matches("[0-9]{1,19}")) {
            number = new BigDecimal(value.asText());
        } else if (value.isTextual()) {
            String text = value.asText();
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' must be a whole number"
                    + " such as \"1000000\" or 1000000, written with digits only, not \""
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\".");
        } else {
            throw ApiError.wrongType(path(field), "a whole number such as \"1000000\" or 1000000, not "
                    + (value.isNumber() ? "the fraction " + value.asText() : describe(value)));
        }
        if (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' must be between 0 and "
                    + max + ", not " + number.toPlainString() + ".");
        }
        return number.longValueExact();
    }

    Optional<Integer> optionalInteger(String field) {
        return given(field).map(value -> {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw ApiError.wrongType(path(field), "an integer, not " + describe(value));
            }
            return value.asInt();
        });
    }

    boolean optionalBoolean(String field) {
        return given(field).map(value -> {
            if (!value.isBoolean()) {
                throw ApiError.wrongType(path(field), "true or false, not " + describe(value));
            }
            return value.asBoolean();
        }).orElse(false);
    }

    /** Reads a nested object; its fields report errors under {@code field.}. */
    Optional<JsonBody> optionalObject(String field) {
        return given(field).map(value -> {
            if (!value.isObject()) {
                throw ApiError.wrongType(path(field), "an object, not " + describe(value));
            }
            return new JsonBody((ObjectNode) value, path(field) + ".");
        });
    }

    /**
     * Reads a nullable field of an update: absent, null (clear) or the value that {@code read}
     * returns for the field, such as {@code body::optionalObject}.
     */
    <T> Patch<T> patch(String field, java.util.function.Function<String, Optional<T>> read) {
        if (!node.has(field)) {
            return Patch.absent();
        }
        return Patch.of(read.apply(field).orElse(null));
    }

    /** Reads an array of objects; each element reports errors under {@code field[i].}. */
    Optional<List<JsonBody>> optionalObjects(String field, int maxItems) {
        return given(field).map(value -> {
            List<JsonBody> items = new ArrayList<>();
            for (JsonNode element : array(field, value, maxItems)) {
                String elementPath = path(field) + "[" + items.size() + "]";
                if (!element.isObject()) {
                    throw ApiError.wrongType(elementPath, "an object, not " + describe(element));
                }
                items.add(new JsonBody((ObjectNode) element, elementPath + "."));
            }
            return items;
        });
    }

    /** Reads an array of non-empty strings. */
    Optional<List<String>> optionalStrings(String field, int maxItems, int maxLength) {
        return given(field).map(value -> {
            List<String> items = new ArrayList<>();
            for (JsonNode element : array(field, value, maxItems)) {
                String elementPath = path(field) + "[" + items.size() + "]";
                if (!element.isTextual() || element.asText().isBlank()
                        || element.asText().length() > maxLength) {
                    throw ApiError.wrongType(elementPath, "a non-empty string of at most "
                            + maxLength + " characters, not " + describe(element));
                }
                if (element.asText().indexOf('\0') >= 0) {
                    throw ApiError.invalid(elementPath, "Field '" + elementPath
                            + "' must not contain the NUL character (\\u0000).");
                }
                items.add(element.asText());
            }
            return items;
        });
    }

    private JsonNode array(String field, JsonNode value, int maxItems) {
        if (!value.isArray()) {
            throw ApiError.wrongType(path(field), "an array, not " + describe(value));
        }
        if (value.size() > maxItems) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' has " + value.size()
                    + " items; the maximum is " + maxItems + ".");
        }
        return value;
    }

    /** Reads a JSON object field, returned as compact JSON text. */
    Patch<String> patchObjectJson(String field, int maxKeys, int maxBytes) {
        if (!node.has(field)) {
            return Patch.absent();
        }
        JsonNode value = node.get(field);
        if (value.isNull()) {
            return Patch.of(null);
        }
        if (!value.isObject()) {
            throw ApiError.wrongType(path(field), "an object, not " + describe(value));
        }
        if (value.size() > maxKeys) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' has " + value.size()
                    + " keys; the maximum is " + maxKeys + ".");
        }
        String json = value.toString();
        if (json.length() > maxBytes) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' is " + json.length()
                    + " bytes as JSON; the maximum is " + maxBytes + ".");
        }
        return Patch.of(json);
    }

    /** Reads an optional non-negative whole number, as {@link #requiredCount} does. */
    Optional<Long> optionalCount(String field, long max) {
        return given(field).isPresent() ? Optional.of(requiredCount(field, max)) : Optional.empty();
    }

    /** Reads an object of string values, such as request metadata. */
    Optional<java.util.Map<String, String>> optionalStringMap(String field, int maxKeys,
            int maxLength) {
        return given(field).map(value -> {
            if (!value.isObject()) {
                throw ApiError.wrongType(path(field), "an object of strings, not " + describe(value));
            }
            if (value.size() > maxKeys) {
                throw ApiError.invalid(path(field), "Field '" + path(field) + "' has " + value.size()
                        + " keys; the maximum is " + maxKeys + ".");
            }
            java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
            value.fields().forEachRemaining(entry -> {
                String entryPath = path(field) + "." + entry.getKey();
                if (!entry.getValue().isTextual() || entry.getValue().asText().isEmpty()
                        || entry.getValue().asText().length() > maxLength
                        || entry.getKey().isEmpty() || entry.getKey().length() > maxLength) {
                    throw ApiError.invalid(entryPath, "Metadata '" + entryPath + "' must be a"
                            + " string of 1 to " + maxLength + " characters under a key of 1 to "
                            + maxLength + " characters.");
                }
                map.put(entry.getKey(), entry.getValue().asText());
            });
            return map;
        });
    }

    /** Returns the body as JSON text with sorted keys, for comparing two request bodies. */
    String canonical() {
        try {
            return Json.MAPPER.copy()
                    .configure(com.fasterxml.jackson.databind.SerializationFeature
                            .ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .writeValueAsString(Json.MAPPER.treeToValue(node, java.util.Map.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a query parameter that carries JSON. */
    static JsonNode parseQueryJson(String name, String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(name, "Query parameter '" + name + "' is not valid JSON.");
        }
    }

    /** Rejects a field that this operation does not accept, naming what to do instead. */
    void reject(String field, String reason) {
        if (node.has(field)) {
            throw ApiError.invalid(path(field), "Field '" + path(field) + "' " + reason);
        }
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase();
        };
    }
}
