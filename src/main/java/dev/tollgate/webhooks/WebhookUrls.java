package dev.tollgate.webhooks;

import dev.tollgate.gateway.PublicAddresses;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Checks that a webhook URL may be called: {@code https} to public addresses only, or, when
 * loopback is allowed, {@code http} or {@code https} to loopback addresses only. The host is
 * resolved and every address it resolves to is checked, at creation and again before each
 * attempt, so a name that later points at a private, link-local or metadata address is caught.
 */
final class WebhookUrls {
    static final int MAX_URL_LENGTH = 2048;
    private static final String LOOPBACK_HINT = " Plain http to a loopback address needs"
            + " TOLLGATE_WEBHOOK_ALLOW_LOOPBACK=true on the server.";

    private WebhookUrls() {
    }

    /** A URL that may not be called; the message is safe to show the merchant. */
    static final class UnsafeUrlException extends RuntimeException {
        UnsafeUrlException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses and checks {@code text}, then resolves its host and checks its addresses. The
     * rules that need no DNS lookup, such as the scheme, are checked first.
     *
     * @throws UnsafeUrlException saying what is wrong and what would be accepted
     */
    // NOTE: the HTTP client resolves the host again when it connects, so a DNS answer that
    // changes within that moment is not caught; pinning the checked address is not done.
    static URI check(String text, boolean allowLoopback) {
        URI uri = parse(text);
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        // Plain http can pass only as loopback, so reject it here without a DNS lookup.
        if (!https && !allowLoopback) {
            throw new UnsafeUrlException("Webhook URL '" + text + "' must use https."
                    + (isLoopbackName(uri.getHost()) ? LOOPBACK_HINT : ""));
        }
        InetAddress[] addresses = resolve(uri.getHost());
        boolean allLoopback = Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress);
        if (allowLoopback && allLoopback) {
            return uri;
        }
        if (!https) {
            throw new UnsafeUrlException("Webhook URL '" + text + "' must use https."
                    + (allLoopback ? LOOPBACK_HINT : ""));
        }
        for (InetAddress address : addresses) {
            if (!PublicAddresses.isPublic(address)) {
                throw new UnsafeUrlException("Webhook URL '" + text + "' resolves to "
                        + address.getHostAddress() + ", a private, loopback, link-local or"
                        + " reserved address. Use a publicly reachable host.");
            }
        }
        return uri;
    }

    private static URI parse(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new UnsafeUrlException("Webhook URL '" + text + "' is not a valid URL. Give an"
                    + " absolute URL such as https://example.com/webhooks/tollgate.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new UnsafeUrlException("Webhook URL '" + text + "' must be an absolute https"
                    + " URL such as https://example.com/webhooks/tollgate.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new UnsafeUrlException("Webhook URL '" + text + "' must not contain a user"
                    + " name or password.");
        }
        return uri.normalize();
    }

    /** Returns whether {@code host} is "localhost" or a loopback IP literal, without DNS. */
    private static boolean isLoopbackName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new UnsafeUrlException("Webhook URL host '" + host + "' could not be resolved."
                    + " Check the host name.");
        }
    }
}
