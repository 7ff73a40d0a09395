package dev.tollgate.billing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalogue keys to try, in order, for a provider and model id as a request names them.
 * {@link PriceCatalogue#find} documents the rule.
 */
final class ModelIds {
    /** A trailing -YYYY-MM-DD, -YYYYMMDD, four-digit version such as -2411, or -latest. */
    private static final Pattern DATE_SUFFIX =
            Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8}|\\d{4}|latest)$");

    /** OpenRouter's provider prefixes that differ from the catalogue's provider ids. */
    private static final Map<String, String> PREFIX_PROVIDERS =
            Map.of("x-ai", "xai", "mistralai", "mistral");

    private ModelIds() {
    }

    /** A provider and model id pair, both in lower case. */
    record Key(String provider, String model) {
        static Key of(String provider, String model) {
            return new Key(provider.toLowerCase(Locale.ROOT), model.toLowerCase(Locale.ROOT));
        }
    }

    static List<Key> candidates(String provider, String model) {
        Key asGiven = Key.of(provider.strip(), model.strip());
        Set<Key> keys = new LinkedHashSet<>();
        keys.add(asGiven);
        keys.add(new Key(asGiven.provider(), withoutDate(asGiven.model())));
        int slash = asGiven.model().indexOf('/');
        if (slash > 0 && slash < asGiven.model().length() - 1) {
            keys.addAll(prefixed(asGiven.model().substring(0, slash),
                    asGiven.model().substring(slash + 1)));
        }
        return new ArrayList<>(keys);
    }

    /** Returns the keys for an OpenRouter-style id such as {@code x-ai/grok-4}. */
    private static List<Key> prefixed(String prefix, String model) {
        String provider = PREFIX_PROVIDERS.getOrDefault(prefix, prefix);
        String undated = withoutDate(model);
        return List.of(
                new Key(provider, model),
                new Key(provider, undated),
                new Key(provider, model.replace('.', '-')),
                new Key(provider, undated.replace('.', '-')));
    }

    static String withoutDate(String model) {
        return DATE_SUFFIX.matcher(model).replaceFirst("");
    }
}
