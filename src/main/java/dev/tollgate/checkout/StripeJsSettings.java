package dev.tollgate.checkout;

/**
 * What the live checkout page needs to collect a card with Stripe.js: the publishable key, the
 * script's URL, and the origins its Content-Security-Policy must allow. The script and its card
 * frames come from {@code scriptOrigin}, and Stripe.js sends the card to {@code apiOrigin}.
 */
public record StripeJsSettings(String publishableKey, String scriptUrl, String scriptOrigin,
        String apiOrigin) {
    public static final String DEFAULT_SCRIPT_URL = "https://js.stripe.com/v3/";

    /**
     * Returns the settings for a publishable key, a Stripe.js URL and Stripe's API base URL.
     *
     * @throws IllegalArgumentException when a URL is not http(s) with a host
     */
    public static StripeJsSettings of(String publishableKey, String scriptUrl, String apiBase) {
        return new StripeJsSettings(publishableKey, scriptUrl, Origins.of(scriptUrl),
                Origins.of(apiBase));
    }
}
