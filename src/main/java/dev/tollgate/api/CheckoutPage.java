package dev.tollgate.api;

import dev.tollgate.checkout.CheckoutSession;
import dev.tollgate.checkout.EmbeddedCheckout;
import dev.tollgate.checkout.Origins;
import dev.tollgate.checkout.PhoneVerifications;
import dev.tollgate.checkout.StripeJsSettings;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Environment;
import dev.tollgate.storage.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the hosted checkout page from the {@code templates/checkout.html} and
 * {@code templates/checkout-error.html} templates. Every value is HTML-escaped, and values the
 * script needs go in {@code data-} attributes, because the page's policy forbids inline script.
 * Only live pages name Stripe.js and the publishable key, so sandbox pages load no third-party
 * script.
 */
final class CheckoutPage {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    private final String template = load("checkout.html");
    private final String errorTemplate = load("checkout-error.html");
    private final Optional<StripeJsSettings> stripeJs;

    /** @param stripeJs what live pages need to load Stripe.js, absent when not configured */
    CheckoutPage(Optional<StripeJsSettings> stripeJs) {
        this.stripeJs = stripeJs;
    }

    /** A page body and the HTTP status to send with it. */
    record Rendered(int status, String html) {
    }

    Rendered render(EmbeddedCheckout.Summary summary) {
        CheckoutSession session = summary.session();
        boolean sandbox = summary.opened().owner().environment() == Environment.SANDBOX;
        boolean subscription = session.mode().equals("subscription");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("session_id", session.id());
        values.put("mode", session.mode());
        values.put("origin", Origins.of(session.originUrl()));
        values.put("expires_at", Timestamps.format(session.expiresAt()));
        values.put("sandbox", String.valueOf(sandbox));
        Optional<StripeJsSettings> liveStripeJs = sandbox ? Optional.empty() : stripeJs;
        values.put("stripe_js_url", liveStripeJs.map(StripeJsSettings::scriptUrl).orElse(""));
        values.put("stripe_key", liveStripeJs.map(StripeJsSettings::publishableKey).orElse(""));
        values.put("item_name", summary.itemName());
        values.put("price", "$" + summary.amount().toDisplay());
        values.put("price_period", summary.billingInterval().map(interval -> " per " + interval)
                .orElse(""));
        values.put("credit", "$" + summary.creditAmount().toDisplay()
                + (subscription ? " of usage credit each " + summary.billingInterval().orElse("cycle")
                        : " of usage credit"));
        values.put("heading", subscription ? "Subscribe" : "Buy credit");
        values.put("phone_on_file_ending", summary.phoneOnFile()
                .map(phone -> phone.substring(Math.max(0, phone.length() - 2)))
                .orElse(""));
        values.put("code_length", String.valueOf(PhoneVerifications.CODE_LENGTH));
        return new Rendered(200, fill(template, values));
    }

    /** Renders an error in place of the form: unknown, expired, completed or unavailable. */
    Rendered renderError(ApiError error, Optional<String> frameOrigin) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("origin", frameOrigin.orElse(""));
        values.put("code", error.code());
        values.put("title", switch (error.code()) {
            case "session_expired" -> "This checkout has expired";
            case "session_completed" -> "This checkout is already complete";
            case "resource_missing" -> "Checkout not found";
            default -> "Checkout is unavailable";
        });
        values.put("message", error.getMessage());
        return new Rendered(error.status(), fill(errorTemplate, values));
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("No value for {{" + matcher.group(1) + "}}");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(escape(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String load(String name) {
        return new String(StaticAssets.read("templates/" + name), StandardCharsets.UTF_8);
    }
}
