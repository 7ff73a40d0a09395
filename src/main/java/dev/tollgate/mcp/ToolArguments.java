package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The arguments of one tool call, checked against the tool's parameters before the handler
 * runs. Every failure is a {@link ToolArgumentException} that names the argument and the fix.
 */
final class ToolArguments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode values;

    private ToolArguments(ObjectNode values) {
        this.values = values;
    }

    /** Checks {@code raw} against {@code params}: unknown names, missing ones, types, choices. */
    static ToolArguments check(List<ToolParam> params, Map<String, Object> raw) {
        ObjectNode values = raw == null ? JSON.createObjectNode() : JSON.valueToTree(raw);
        for (String name : (Iterable<String>) values::fieldNames) {
            if (params.stream().noneMatch(param -> param.name().equals(name))) {
                throw new ToolArgumentException(name, "is not an argument of this tool; it"
                        + " accepts " + params.stream().map(ToolParam::name)
                        .collect(Collectors.joining(", ")));
            }
        }
        for (ToolParam param : params) {
            JsonNode value = values.get(param.name());
            if (value == null || value.isNull()) {
                if (param.required()) {
                    throw new ToolArgumentException(param.name(), "is required: "
                            + param.description());
                }
                continue;
            }
            checkType(param, value);
        }
        return new ToolArguments(values);
    }

    private static void checkType(ToolParam param, JsonNode value) {
        boolean valid = switch (param.type()) {
            case STRING -> value.isTextual() && !value.asText().isBlank();
            case INTEGER -> value.isIntegralNumber() && value.canConvertToLong();
            case BOOLEAN -> value.isBoolean();
            case OBJECT -> value.isObject();
            case STRING_ARRAY -> value.isArray() && allMatch(value, JsonNode::isTextual);
            case OBJECT_ARRAY -> value.isArray() && allMatch(value, JsonNode::isObject);
        };
        if (!valid) {
            throw new ToolArgumentException(param.name(), "must be " + expected(param.type())
                    + ", not " + value);
        }
        if (!param.choices().isEmpty() && !param.choices().contains(value.asText())) {
            throw new ToolArgumentException(param.name(), "must be one of "
                    + String.join(", ", param.choices()) + ", not '" + value.asText() + "'");
        }
    }

    private static boolean allMatch(JsonNode array, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode element : array) {
            if (!test.test(element)) {
                return false;
            }
        }
        return true;
    }

    private static String expected(ToolParam.Type type) {
        return switch (type) {
            case STRING -> "a non-empty string";
            case INTEGER -> "a whole number";
            case BOOLEAN -> "true or false";
            case OBJECT -> "a JSON object";
            case STRING_ARRAY -> "an array of strings";
            case OBJECT_ARRAY -> "an array of objects";
        };
    }

    Optional<String> text(String name) {
        JsonNode value = values.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    String requiredText(String name) {
        return text(name).orElseThrow(() -> new ToolArgumentException(name, "is required"));
    }

    Optional<JsonNode> node(String name) {
        JsonNode value = values.get(name);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    Optional<Long> integer(String name, long min, long max) {
        return node(name).map(value -> {
            long number = value.asLong();
            if (number < min || number > max) {
                throw new ToolArgumentException(name, "must be between " + min + " and " + max
                        + ", not " + number);
            }
            return number;
        });
    }

    /** Returns the given arguments among {@code names} as a JSON object, for a request body. */
    ObjectNode body(String... names) {
        ObjectNode body = JSON.createObjectNode();
        for (String name : names) {
            node(name).ifPresent(value -> body.set(name, value));
        }
        return body;
    }

    /** Returns the given arguments among {@code names} as query parameters. */
    Map<String, String> query(String... names) {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        for (String name : names) {
            node(name).ifPresent(value -> query.put(name, value.isTextual() ? value.asText()
                    : value.toString()));
        }
        return query;
    }
}
