package dev.tollgate.gateway;

import java.net.URI;

/**
 * Where a gateway request goes: the provider, the URL as the client addressed it (used for
 * records and usage detection), and the URL actually connected to, which differs when the
 * operator maps the provider host to another base URL.
 */
public record UpstreamTarget(Provider provider, URI providerUri, URI connectUri,
        boolean overridden) {

    /** The path at the provider, such as {@code /v1/chat/completions}. */
    public String path() {
        return providerUri.getRawPath();
    }

    /** The endpoint as recorded on requests: {@code POST https://api.openai.com/v1/...}. */
    public String endpoint(String method) {
        String query = providerUri.getRawQuery();
        String url = providerUri.getScheme() + "://" + providerUri.getHost() + path();
        return method + " " + (query == null ? url : url + "?" + stripKeys(query));
    }

    private static String stripKeys(String query) {
        // Gemini accepts its key as ?key=; it must never reach a record or a log.
        return query.replaceAll("(^|&)key=[^&]*", "$1key=REDACTED");
    }
}
