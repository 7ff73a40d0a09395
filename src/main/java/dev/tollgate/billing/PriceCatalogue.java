package dev.tollgate.billing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The price of each known model at each provider: the catalogue shipped in
 * {@code prices/models.json} on the class path, with an operator's price file merged over it.
 * The file format is described in docs/prices.md. Immutable once loaded, so thread-safe.
 */
public final class PriceCatalogue {
    private static final Logger LOG = LoggerFactory.getLogger(PriceCatalogue.class);
    private static final String BUILT_IN_RESOURCE = "prices/models.json";

    private final Map<ModelIds.Key, ModelPrice> prices;

    private PriceCatalogue(Map<ModelIds.Key, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    /**
     * Loads the shipped catalogue and merges {@code operatorFile} over it, when given. The
     * operator file has the same shape. Each of its entries adds a model, or replaces the shipped
     * entry with the same provider and model as a whole.
     *
     * @throws PriceFileException naming the file, the entry and the field when a file cannot be
     *     read or is not a valid price file
     */
    public static PriceCatalogue load(Optional<Path> operatorFile) {
        Map<ModelIds.Key, ModelPrice> prices = new LinkedHashMap<>();
        putAll(prices, readBuiltIn());
        if (operatorFile.isPresent()) {
            List<ModelPrice> operatorPrices = readFile(operatorFile.get());
            putAll(prices, operatorPrices);
            LOG.info("Loaded model prices: models={} operatorFile={} operatorEntries={}",
                    prices.size(), operatorFile.get(), operatorPrices.size());
        } else {
            LOG.info("Loaded model prices: models={} operatorFile=none", prices.size());
        }
        return new PriceCatalogue(prices);
    }

    /**
     * Finds the price of {@code model} at {@code provider}, comparing ids in lower case. The
     * first of these ids that has an entry wins:
     * <ol>
     * <li>the model id as given;
     * <li>the id without a trailing date or version: {@code -YYYY-MM-DD}
     *     ({@code gpt-4o-2024-08-06} is {@code gpt-4o}), {@code -YYYYMMDD}
     *     ({@code claude-sonnet-4-5-20250929}), four digits such as {@code -2411}, or
     *     {@code -latest} ({@code mistral-small-latest});
     * <li>for an OpenRouter-style id {@code prefix/model}, such as {@code openai/gpt-5-mini},
     *     the model at the provider the prefix names ({@code x-ai} is {@code xai} and
     *     {@code mistralai} is {@code mistral}): as given, without a date, then with dots
     *     replaced by hyphens ({@code anthropic/claude-sonnet-4.5} is
     *     {@code claude-sonnet-4-5}).
     * </ol>
     * An exact entry such as {@code mistral-large-2411} therefore wins over its base model.
     *
     * @return the price, or empty when no form of the id is in the catalogue; the caller decides
     *     what an unpriced model costs
     */
    public Optional<ModelPrice> find(String provider, String model) {
        for (ModelIds.Key key : ModelIds.candidates(provider, model)) {
            ModelPrice price = prices.get(key);
            if (price != null) {
                return Optional.of(price);
            }
        }
        return Optional.empty();
    }

    /** Returns every entry, sorted by provider and then model id. */
    public List<ModelPrice> all() {
        return prices.values().stream()
                .sorted(Comparator.comparing(ModelPrice::provider)
                        .thenComparing(ModelPrice::model))
                .toList();
    }

    private static void putAll(Map<ModelIds.Key, ModelPrice> prices, List<ModelPrice> entries) {
        for (ModelPrice price : entries) {
            prices.put(ModelIds.Key.of(price.provider(), price.model()), price);
        }
    }

    private static List<ModelPrice> readBuiltIn() {
        String name = "classpath:" + BUILT_IN_RESOURCE;
        try (InputStream in = PriceCatalogue.class.getClassLoader()
                .getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("built-in price file missing: " + name);
            }
            return PriceFileParser.parse(name, in);
        } catch (IOException e) {
            throw new PriceFileException("Price file " + name + " could not be read: " + e, e);
        }
    }

    private static List<ModelPrice> readFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return PriceFileParser.parse(file.toString(), in);
        } catch (IOException e) {
            throw new PriceFileException("Price file " + file + " could not be read: " + e
                    + ". Check that the path names a readable file.", e);
        }
    }
}
