package dev.tollgate.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sends one attempt: checks the endpoint's URL again, then POSTs the stored body with both
 * signatures. Redirects are not followed, since they could lead to an address the check would
 * reject, and count as failures like any status outside 2xx. The response body is not read.
 * Thread-safe.
 */
final class DeliverySender {
    private final Clock clock;
    private final WebhookSettings settings;
    private final HttpClient client;

    DeliverySender(Clock clock, WebhookSettings settings) {
        this.clock = clock;
        this.settings = settings;
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Returns the result, or empty when the thread was interrupted because the node stops. */
    Optional<DeliveryRows.Result> send(DeliveryRows.Job job) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        URI uri;
        try {
            uri = WebhookUrls.check(job.url(), settings.allowLoopback());
        } catch (WebhookUrls.UnsafeUrlException e) {
            return Optional.of(failure(e.getMessage(), "unsafe_url", started, startNanos));
        }
        HttpRequest request = request(uri, job, started);
        try {
            HttpResponse<InputStream> response = client.send(request,
                    HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return Optional.of(new DeliveryRows.Result(response.statusCode(), null, null, started,
                    elapsedMillis(startNanos)));
        } catch (HttpTimeoutException e) {
            return Optional.of(failure("timed out after " + settings.timeout().toMillis()
                    + " ms", "timeout", started, startNanos));
        } catch (IOException e) {
            return Optional.of(failure("request failed: " + e, e.getClass().getSimpleName(),
                    started, startNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpRequest request(URI uri, DeliveryRows.Job job, Instant now) {
        byte[] body = job.body().getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Tollgate-Webhooks/1")
                .header("X-Webhook-Signature", Signatures.hexSignature(job.secret(), body))
                .header("webhook-id", job.eventId())
                .header("webhook-timestamp", Long.toString(now.getEpochSecond()))
                .header("webhook-signature",
                        Signatures.standardSignature(job.secret(), job.eventId(), now, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private static DeliveryRows.Result failure(String error, String errorKind, Instant started,
            long startNanos) {
        return new DeliveryRows.Result(null, error, errorKind, started,
                elapsedMillis(startNanos));
    }

    private static long elapsedMillis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
