package dev.tollgate.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's managed provider API keys, read once from environment variables such as
 * {@code OPENAI_API_KEY} (see {@link Providers} for each provider's variables). Immutable.
 */
public final class ProviderKeys {
    private final Map<String, String> keysByProviderId;

    private ProviderKeys(Map<String, String> keysByProviderId) {
        this.keysByProviderId = Map.copyOf(keysByProviderId);
    }

    /** Reads every provider's key variables from {@code env}; the first non-blank one wins. */
    public static ProviderKeys from(Map<String, String> env) {
        Map<String, String> keys = new HashMap<>();
        for (Provider provider : Providers.all()) {
            for (String variable : provider.keyVariables()) {
                String value = env.get(variable);
                if (value != null && !value.isBlank()) {
                    keys.put(provider.id(), value.strip());
                    break;
                }
            }
        }
        return new ProviderKeys(keys);
    }

    public static ProviderKeys none() {
        return new ProviderKeys(Map.of());
    }

    public Optional<String> managedKey(Provider provider) {
        return Optional.ofNullable(keysByProviderId.get(provider.id()));
    }
}
