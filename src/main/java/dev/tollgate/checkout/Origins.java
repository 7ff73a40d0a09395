package dev.tollgate.checkout;

import java.net.URI;
import java.util.Locale;

/** Web origins as browsers compare them: scheme, host and a port only when it is not the default. */
public final class Origins {
    private Origins() {
    }

    /**
     * Returns the origin of an http(s) URL, such as {@code https://shop.example.com:8443}.
     *
     * @throws IllegalArgumentException when the URL has no http(s) scheme or no host
     */
    public static String of(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http(s) URL with a host: " + url);
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80
                || scheme.equals("https") && port == 443;
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
