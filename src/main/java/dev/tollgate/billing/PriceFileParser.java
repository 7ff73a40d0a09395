package dev.tollgate.billing;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a price file: {@code {"providers": {"<provider>": {"source", "as_of", "note",
 * "models": {"<model>": {entry}}}}}}, with each entry's fields read by {@link PriceEntryParser}.
 * Duplicate keys and unknown fields are errors, so a typo cannot silently drop a price.
 */
final class PriceFileParser {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._:/-]*");
    private static final Set<String> FILE_FIELDS = Set.of("providers");
    private static final Set<String> PROVIDER_FIELDS = Set.of("source", "as_of", "note", "models");

    private final String fileName;

    private PriceFileParser(String fileName) {
        this.fileName = fileName;
    }

    /**
     * Parses the price file {@code json}, named {@code fileName} in error messages.
     *
     * @throws PriceFileException naming the file, the entry and the field when the file is not
     *     valid JSON or does not have the price file's shape
     */
    static List<ModelPrice> parse(String fileName, InputStream json) {
        return new PriceFileParser(fileName).parseFile(readTree(fileName, json));
    }

    private static JsonNode readTree(String fileName, InputStream json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null ? ""
                    : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new PriceFileException("Price file " + fileName + " could not be parsed as JSON"
                    + where + ": " + e.getOriginalMessage() + ". Fix the file and restart.", e);
        } catch (IOException e) {
            throw new PriceFileException("Price file " + fileName + " could not be read: " + e
                    + ". Check that the file exists and is readable.", e);
        }
    }

    private List<ModelPrice> parseFile(JsonNode root) {
        requireObject(root, "the top level");
        checkFields(root, FILE_FIELDS, "the top level");
        JsonNode providers = root.get("providers");
        if (providers == null) {
            throw invalid("the top level is missing field 'providers'");
        }
        requireObject(providers, "field 'providers'");
        List<ModelPrice> prices = new ArrayList<>();
        for (Map.Entry<String, JsonNode> provider : providers.properties()) {
            prices.addAll(parseProvider(provider.getKey(), provider.getValue()));
        }
        return prices;
    }

    private List<ModelPrice> parseProvider(String provider, JsonNode node) {
        String where = "provider '" + provider + "'";
        if (!PROVIDER_ID.matcher(provider).matches()) {
            throw invalid(where + " is not a valid provider id: use lower-case letters, digits, "
                    + "'-' and '_', such as \"openai\"");
        }
        requireObject(node, where);
        checkFields(node, PROVIDER_FIELDS, where);
        for (String field : List.of("source", "as_of", "note")) {
            if (node.has(field) && !node.get(field).isTextual()) {
                throw invalid(where + ", field '" + field + "' must be a string");
            }
        }
        JsonNode models = node.get("models");
        if (models == null) {
            throw invalid(where + " is missing field 'models'");
        }
        requireObject(models, where + ", field 'models'");
        List<ModelPrice> prices = new ArrayList<>();
        for (Map.Entry<String, JsonNode> model : models.properties()) {
            prices.add(parseModel(provider, model.getKey(), model.getValue()));
        }
        return prices;
    }

    private ModelPrice parseModel(String provider, String model, JsonNode node) {
        String entry = "entry " + provider + "/" + model;
        if (!MODEL_ID.matcher(model).matches()) {
            throw invalid(entry + " has an invalid model id: use lower-case letters, digits and "
                    + "'.', '_', ':', '/', '-', such as \"gpt-5-mini\"");
        }
        requireObject(node, entry);
        return new PriceEntryParser(this, entry).parse(provider, model, node);
    }

    void requireObject(JsonNode node, String where) {
        if (!node.isObject()) {
            throw invalid(where + " must be a JSON object, not " + node.getNodeType());
        }
    }

    void checkFields(JsonNode node, Set<String> allowed, String where) {
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String field = property.getKey();
            if (!allowed.contains(field)) {
                throw invalid(where + " has an unknown field '" + field + "'. The known fields are "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    PriceFileException invalid(String problem) {
        return new PriceFileException("Invalid price file " + fileName + ": " + problem
                + ". Fix the file and restart.");
    }
}
