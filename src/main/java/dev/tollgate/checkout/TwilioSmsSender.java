package dev.tollgate.checkout;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sends text messages through Twilio's Messages API: a form POST to
 * {@code {base}/2010-04-01/Accounts/{sid}/Messages.json} with HTTP basic auth, which Twilio
 * answers with 201 when it accepts the message. Thread-safe.
 */
public final class TwilioSmsSender implements SmsSender {
    public static final String DEFAULT_BASE_URL = "https://api.twilio.com";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient client;
    private final URI messagesUri;
    private final String authorization;
    private final String from;

    /**
     * @param baseUrl Twilio's API origin, {@link #DEFAULT_BASE_URL} outside tests
     * @param from the sending number in E.164 form, or a messaging service id
     */
    public TwilioSmsSender(String baseUrl, String accountSid, String authToken, String from) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.messagesUri = URI.create(base + "/2010-04-01/Accounts/"
                + URLEncoder.encode(accountSid, StandardCharsets.UTF_8) + "/Messages.json");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        this.from = from;
        this.client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public void send(String toE164, String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", toE164);
        form.put("From", from);
        form.put("Body", text);
        HttpRequest request = HttpRequest.newBuilder(messagesUri)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SmsDeliveryException("Twilio could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmsDeliveryException("Sending the text message was interrupted", e);
        }
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            // Twilio's error body echoes the destination number, so only the status is kept.
            throw new SmsDeliveryException("Twilio rejected the message with HTTP status "
                    + response.statusCode(), null);
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
