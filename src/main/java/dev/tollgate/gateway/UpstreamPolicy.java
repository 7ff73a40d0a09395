package dev.tollgate.gateway;

import dev.tollgate.core.ApiError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides where a forward request may go. Only the hosts in {@link Providers} are allowed, over
 * HTTPS on the default port, and only when every address they resolve to is public: loopback,
 * private, link-local, carrier-grade NAT, metadata and multicast addresses are refused with 403
 * before any connection is opened. The operator may map a provider host to another base URL
 * ({@code TOLLGATE_UPSTREAM_OVERRIDES}); such targets are trusted as configured. Thread-safe.
 */
public final class UpstreamPolicy {
    private final Map<String, URI> overrides;

    public UpstreamPolicy(Map<String, URI> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Parses {@code host=baseUrl,host=baseUrl}, as in
     * {@code api.openai.com=http://127.0.0.1:9001}.
     *
     * @throws IllegalArgumentException naming the entry when one is malformed
     */
    public static Map<String, URI> parseOverrides(String spec) {
        Map<String, URI> map = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return map;
        }
        for (String entry : spec.split(",")) {
            String[] parts = entry.strip().split("=", 2);
            if (parts.length != 2 || Providers.byHost(parts[0].strip()).isEmpty()) {
                throw new IllegalArgumentException("TOLLGATE_UPSTREAM_OVERRIDES entry '" + entry
                        + "' must be PROVIDER_HOST=BASE_URL with a known provider host, such as"
                        + " api.openai.com=http://127.0.0.1:9001");
            }
            URI base = URI.create(parts[1].strip().replaceAll("/+$", ""));
            if (base.getScheme() == null || base.getHost() == null) {
                throw new IllegalArgumentException("TOLLGATE_UPSTREAM_OVERRIDES entry '" + entry
                        + "' has no absolute base URL");
            }
            map.put(parts[0].strip().toLowerCase(Locale.ROOT), base);
        }
        return map;
    }

    /**
     * Builds the target from the forward URL: {@code u} (encoded or not) with the client's path
     * appended, either inside {@code u} ({@code forward?u=https://host/v1/chat/completions}) or
     * after the forward path ({@code forward/chat/completions?u=https://host/v1}, as newer
     * clients build it), plus any other query parameters except {@code metadata}.
     *
     * @param pathSuffix the raw path after {@code /v1/forward}, empty when there is none
     * @throws ApiError 400 when {@code u} is missing or not a URL, 403 for a host not allowed
     */
    public UpstreamTarget target(String rawQuery, String pathSuffix) {
        URI requested = withSuffix(requestedUri(rawQuery), pathSuffix);
        if (!"https".equalsIgnoreCase(requested.getScheme()) || requested.getHost() == null
                || requested.getPort() != -1 || requested.getRawUserInfo() != null) {
            throw forbidden(requested);
        }
        Provider provider = Providers.byHost(requested.getHost()).orElseThrow(() -> forbidden(requested));
        String path = normalizePath(requested.getRawPath());
        URI providerUri = withPath(requested, "https://" + provider.host(), path);
        URI base = overrides.get(provider.host());
        if (base == null) {
            return new UpstreamTarget(provider, providerUri, providerUri, false);
        }
        // The override's own path, such as /openai on a self-hosted endpoint, goes before the
        // provider path, once.
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        URI connect = withPath(requested, base.getScheme() + "://" + base.getRawAuthority(),
                prefix + path);
        return new UpstreamTarget(provider, providerUri, connect, true);
    }

    /**
     * Resolves the target's host and refuses it unless every address is public. Overridden
     * targets are not checked.
     *
     * @throws ApiError 403 for a non-public address, 502 when the name does not resolve
     */
    public void checkAddresses(UpstreamTarget target) {
        if (target.overridden()) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(target.connectUri().getHost());
        } catch (UnknownHostException e) {
            throw ApiError.upstream(502, "upstream_unresolved", "Cannot resolve "
                    + target.connectUri().getHost() + ". Check the server's DNS.");
        }
        for (InetAddress address : addresses) {
            if (!PublicAddresses.isPublic(address)) {
                throw ApiError.forbidden("upstream_not_allowed", "Upstream host "
                        + target.connectUri().getHost() + " resolves to a non-public address;"
                        + " the gateway does not connect there.");
            }
        }
    }

    private static URI requestedUri(String rawQuery) {
        String u = null;
        List<String> extra = new ArrayList<>();
        for (String param : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            if (param.startsWith("u=") && u == null) {
                u = URLDecoder.decode(param.substring(2), StandardCharsets.UTF_8);
            } else if (!param.isEmpty() && !param.startsWith("metadata=")) {
                extra.add(param);
            }
        }
        if (u == null || u.isBlank()) {
            throw ApiError.missing("u");
        }
        String joined = extra.isEmpty() ? u : u + (u.contains("?") ? "&" : "?") + String.join("&", extra);
        try {
            return new URI(joined);
        } catch (URISyntaxException e) {
            throw ApiError.invalid("u", "Parameter 'u' is not a valid URL. Give the provider URL,"
                    + " such as u=https://api.openai.com/v1/chat/completions.");
        }
    }

    private static URI withSuffix(URI requested, String pathSuffix) {
        if (pathSuffix == null || pathSuffix.isEmpty() || pathSuffix.equals("/")) {
            return requested;
        }
        String base = requested.getRawPath() == null ? "" : requested.getRawPath().replaceAll("/+$", "");
        String query = requested.getRawQuery();
        try {
            return new URI(requested.getScheme() + "://" + requested.getRawAuthority() + base
                    + pathSuffix + (query == null ? "" : "?" + query));
        } catch (URISyntaxException e) {
            throw ApiError.invalid("u", "The forward path '" + pathSuffix + "' does not form a"
                    + " valid URL with parameter 'u'.");
        }
    }

    /** Collapses the doubled version segment some clients produce: /v1/v1/messages. */
    private static String normalizePath(String rawPath) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        for (String segment : path.split("/", -1)) {
            // Encoded dots count too: %2e%2e is the same segment to a server that decodes it.
            String decoded = segment.replace("%2e", ".").replace("%2E", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                throw ApiError.invalid("u", "The provider path '"
                        + (path.length() > 200 ? path.substring(0, 200) + "..." : path) + "' has a '"
                        + decoded + "' segment. Give the endpoint's path without dot segments,"
                        + " such as /v1/chat/completions.");
            }
        }
        return path.replaceFirst("^/(v1|v1beta)/\\1/", "/$1/");
    }

    private static URI withPath(URI requested, String base, String path) {
        String query = requested.getRawQuery();
        return URI.create(base + path + (query == null ? "" : "?" + query));
    }

    private static ApiError forbidden(URI requested) {
        // Name what was sent: a URL that did not parse into a host has nothing else to show.
        String shown = requested.getHost() == null ? requested.toString()
                : requested.getScheme() + "://" + requested.getHost()
                        + (requested.getPort() == -1 ? "" : ":" + requested.getPort());
        if (shown.length() > 200) {
            shown = shown.substring(0, 200) + "...";
        }
        return ApiError.forbidden("upstream_not_allowed", "Upstream '" + shown + "' is not an"
                + " allowed provider. Use an https URL of a supported provider, such as"
                + " https://api.openai.com/v1.");
    }
}
