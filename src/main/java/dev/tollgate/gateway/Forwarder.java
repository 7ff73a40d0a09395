package dev.tollgate.gateway;

import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;
import dev.tollgate.gateway.simulator.SimulatedResponse;
import dev.tollgate.gateway.simulator.Simulator;
import dev.tollgate.money.Money;
import dev.tollgate.spendkeys.RequestShape;
import dev.tollgate.spendkeys.SpendKey;
import dev.tollgate.spendkeys.SpendKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The forward endpoint's work: authenticate the token, check the upstream, admit and hold
 * credit, relay the request to the provider (or the sandbox simulator), and settle the usage
 * exactly once before the client receives the last bytes. Thread-safe.
 */
public final class Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /** The largest request body forwarded. */
    public static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;
    /** The largest non-streaming response read to extract its usage. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final Settlement.RecordHook NO_HOOK = (handle, record) -> { };

    private final SecretKeys secretKeys;
    private final Admission admission;
    private final Settlement settlement;
    private final UpstreamPolicy policy;
    private final ProviderKeys providerKeys;
    private final SpendKeyGate spendKeyGate;
    private final Simulator simulator;
    private final UpstreamClient client = new UpstreamClient();
    private final Ids ids;
    private final Clock clock;
    private final InFlight inFlight = new InFlight();
    private final GatewayMetrics metrics = new GatewayMetrics(inFlight);

    public Forwarder(SecretKeys secretKeys, Admission admission, Settlement settlement,
            UpstreamPolicy policy, ProviderKeys providerKeys, SpendKeyGate spendKeyGate,
            Simulator simulator, Ids ids, Clock clock) {
        this.secretKeys = secretKeys;
        this.admission = admission;
        this.settlement = settlement;
        this.policy = policy;
        this.providerKeys = providerKeys;
        this.spendKeyGate = spendKeyGate;
        this.simulator = simulator;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * An incoming forward request as the HTTP layer received it; {@code pathSuffix} is the raw
     * path after {@code /v1/forward}.
     */
    public record Incoming(String method, String pathSuffix, String rawQuery,
            Map<String, List<String>> headers, InputStream body) {
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Requests in flight, for graceful shutdown. */
    public InFlight inFlight() {
        return inFlight;
    }

    /**
     * Forwards one request and writes the response to {@code sink}.
     *
     * @throws ApiError for any failure before the response started; the caller maps it to JSON
     */
    public void forward(Incoming incoming, ClientSink sink) {
        Instant startedAt = clock.instant();
        long startNanos = System.nanoTime();
        String credential = Headers.credential(incoming.headers());
        if (SpendKeys.looksLikeSpendKey(credential)) {
            throw ApiError.unauthenticated("Spend keys are not accepted on /v1/forward. Send"
                    + " them to POST /v1/chat/completions or POST /v1/messages.");
        }
        ForwardToken token = ForwardToken.parse(credential);
        Environment environment = SecretKeys.environmentOf(token.secretKey())
                .orElseThrow(() -> ApiError.unauthenticated("Invalid secret key in the forward token."));
        String requestId = ids.next("req", environment);
        sink.header("x-request-id", requestId);
        try (MDC.MDCCloseable logContext = MDC.putCloseable("requestId", requestId)) {
            forward(incoming, sink, token, requestId, startedAt, startNanos);
        }
    }

    private void forward(Incoming incoming, ClientSink sink, ForwardToken token, String requestId,
            Instant startedAt, long startNanos) {
        Caller caller = secretKeys.authenticate(token.secretKey());
        UpstreamTarget target = policy.target(incoming.rawQuery(), incoming.pathSuffix());
        Map<String, String> metadata = Headers.metadata(incoming.headers(), incoming.rawQuery());
        byte[] body = Headers.readBody(incoming.body(), MAX_REQUEST_BYTES);
        Prepared prepared = Prepared.of(target, body,
                Headers.first(incoming.headers(), "content-type"));
        Route route = route(caller, token.providerKey(), target, incoming.method());
        if (!route.simulated()) {
            policy.checkAddresses(target);
        }
        if (!inFlight.enter()) {
            throw ApiError.upstream(503, "shutting_down", "The server is shutting down; retry"
                    + " on another node.");
        }
        try {
            BillingContext context = admission.admit(caller, requestId, token, target.provider(),
                    prepared.model(), prepared.json(), prepared.units());
            Settlement.Request record = new Settlement.Request(requestId,
                    target.provider().id(), route.keyType(), target.endpoint(incoming.method()),
                    metadata, startedAt, null);
            Exchange exchange = new Exchange(context, record, prepared, route, NO_HOOK);
            exchange.addedNanos = System.nanoTime() - startNanos;
            try {
                relay(exchange, incoming, sink);
            } finally {
                exchange.settleIfNeeded(new Outcome(502, Usage.ZERO, false, prepared.model(),
                        null, route.simulated()));
            }
        } finally {
            inFlight.exit();
        }
    }

    /**
     * Forwards one request authenticated by a spend key, on the endpoint of {@code shape}, to
     * the provider of its model, and writes the response to {@code sink}. The request is
     * recorded for the key's merchant with no customer, and its provider cost is added to the
     * key's spend.
     *
     * @throws ApiError for any failure before the response started; the caller maps it to JSON
     */
    public void forwardWithSpendKey(RequestShape shape, Incoming incoming, ClientSink sink) {
        Instant startedAt = clock.instant();
        long startNanos = System.nanoTime();
        SpendKey key = spendKeyGate.authenticate(Headers.credential(incoming.headers()));
        String requestId = ids.next("req", key.environment());
        sink.header("x-request-id", requestId);
        try (MDC.MDCCloseable logContext = MDC.putCloseable("requestId", requestId)) {
            byte[] body = Headers.readBody(incoming.body(), MAX_REQUEST_BYTES);
            SpendKeyGate.Route spendRoute = spendKeyGate.route(key, shape,
                    Prepared.parseJson(body));
            UpstreamTarget target = policy.target(
                    "u=" + URLEncoder.encode(spendRoute.upstreamUrl(), StandardCharsets.UTF_8), "");
            Prepared prepared = Prepared.of(target, body,
                    Headers.first(incoming.headers(), "content-type"));
            // The spend key id is recorded in place of a secret key id, because no secret key
            // made this request.
            Caller caller = new Caller(key.merchantId(), key.environment(), key.id());
            Route route = route(caller, Optional.empty(), target, incoming.method());
            if (!route.simulated()) {
                policy.checkAddresses(target);
            }
            spendKeyGate.checkRate(key, sink);
            Money maxCost = SpendKeyGate.maxCost(key, spendRoute.price(), prepared.model(),
                    prepared.json(), prepared.units());
            BillingContext context = new BillingContext(caller, requestId,
                    ForwardToken.Mode.MERCHANT, Optional.empty(), Optional.empty(),
                    Optional.empty(), false, Money.ZERO);
            // TODO: store the spend key id on the request record, so requests can be listed per key.
            Settlement.Request record = new Settlement.Request(requestId,
                    target.provider().id(), route.keyType(), target.endpoint(incoming.method()),
                    Headers.metadata(incoming.headers(), incoming.rawQuery()), startedAt, null);
            Settlement.RecordHook addSpend = (handle, settled) -> spendKeyGate.limits()
                    .settle(handle, key.id(), requestId, settled.cost());
            relayAdmitted(new Exchange(context, record, prepared, route, addSpend), incoming, sink,
                    () -> spendKeyGate.limits().admit(key, requestId, maxCost), startNanos);
        }
    }

    /**
     * Runs {@code admit}, then relays the request and settles it once, whatever happens. Nothing
     * is admitted once shutdown has begun.
     */
    private void relayAdmitted(Exchange exchange, Incoming incoming, ClientSink sink,
            Runnable admit, long startNanos) {
        if (!inFlight.enter()) {
            throw ApiError.upstream(503, "shutting_down", "The server is shutting down; retry"
                    + " on another node.");
        }
        try {
            admit.run();
            exchange.addedNanos = System.nanoTime() - startNanos;
            try {
                relay(exchange, incoming, sink);
            } finally {
                exchange.settleIfNeeded(new Outcome(502, Usage.ZERO, false,
                        exchange.prepared().model(), null, exchange.route().simulated()));
            }
        } finally {
            inFlight.exit();
        }
    }

    /** The route to the provider: the simulator, or the key and the header that carries it. */
    private record Route(boolean simulated, String keyType, String authHeader, String authValue) {
    }

    private Route route(Caller caller, Optional<String> providerKey, UpstreamTarget target,
            String method) {
        Provider provider = target.provider();
        if (providerKey.isPresent()) {
            return new Route(false, "unmanaged", provider.authStyle().header(),
                    provider.authStyle().value(providerKey.get()));
        }
        Optional<String> managed = providerKeys.managedKey(provider);
        if (managed.isPresent()) {
            return new Route(false, "managed", provider.authStyle().header(),
                    provider.authStyle().value(managed.get()));
        }
        if (target.overridden()) {
            // An operator-mapped test or self-hosted endpoint may need no key at all.
            return new Route(false, "managed", null, null);
        }
        if (caller.environment() == Environment.SANDBOX
                && simulator.supports(provider.host(), method, target.path())) {
            return new Route(true, "managed", null, null);
        }
        throw ApiError.upstream(502, "provider_not_configured", "No API key is configured for "
                + provider.host() + ". The operator sets " + String.join(" or ",
                provider.keyVariables()) + ", or the token carries a provider_key.");
    }

    private void relay(Exchange exchange, Incoming incoming, ClientSink sink) {
        Prepared prepared = exchange.prepared();
        UsageReader reader = prepared.format() == null ? UsageReader.none()
                : UsageReader.forFormat(prepared.format());
        reader.acceptRequest(prepared.json());
        if (exchange.route().simulated()) {
            SimulatedResponse simulated = simulator.respond(prepared.target().provider().host(),
                    incoming.method(), prepared.target().path(), prepared.upstreamBody());
            relaySimulated(exchange, simulated, reader, sink);
            return;
        }
        long upstreamStart = System.nanoTime();
        UpstreamClient.Response response = client.send(prepared.target(), incoming.method(),
                incoming.headers(), exchange.route().authHeader(), exchange.route().authValue(),
                prepared.upstreamBody());
        metrics.upstreamLatency(prepared.target().provider().id(),
                java.time.Duration.ofNanos(System.nanoTime() - upstreamStart));
        Map<String, List<String>> headers = Headers.responseHeaders(response.headers());
        reader.acceptHeaders(response.headers());
        if (Headers.isEventStream(response.headers()) && response.status() < 400) {
            relayStream(exchange, response.status(), headers, reader,
                    relay -> relay.relay(response.body(), sink.stream(response.status(), headers),
                            () -> exchange.settle(outcome(exchange, response.status(), reader, false))));
            return;
        }
        if (Headers.isAudio(response.headers()) && response.status() < 400) {
            relayAudio(exchange, response, headers, reader, sink);
            return;
        }
        byte[] bytes;
        try (InputStream body = response.body()) {
            bytes = Headers.readBody(body, MAX_RESPONSE_BYTES);
        } catch (IOException e) {
            throw ApiError.upstream(502, "upstream_failed", "Reading the provider's response failed.");
        }
        if (response.status() < 400 && Headers.mayBeJson(response.headers())) {
            reader.acceptBody(bytes);
        }
        exchange.settle(outcome(exchange, response.status(), reader, false));
        sink.send(response.status(), headers, bytes);
    }

    private void relaySimulated(Exchange exchange, SimulatedResponse simulated, UsageReader reader,
            ClientSink sink) {
        Map<String, List<String>> headers = Headers.single(simulated.headers());
        reader.acceptHeaders(headers);
        if (!simulated.streaming()) {
            if (simulated.status() < 400 && Headers.mayBeJson(headers)) {
                reader.acceptBody(simulated.body());
            }
            exchange.settle(outcome(exchange, simulated.status(), reader, true));
            sink.send(simulated.status(), headers, simulated.body());
            return;
        }
        relayStream(exchange, simulated.status(), headers, reader,
                relay -> relay.relay(simulated.events(), sink.stream(simulated.status(), headers),
                        () -> exchange.settle(outcome(exchange, simulated.status(), reader, true))));
    }

    private void relayStream(Exchange exchange, int status, Map<String, List<String>> headers,
            UsageReader reader, java.util.function.Consumer<StreamRelay> run) {
        StreamRelay relay = new StreamRelay(reader, exchange.prepared().dropUsageOnlyChunks());
        try {
            run.accept(relay);
        } catch (StreamRelay.ClientGone gone) {
            LOG.debug("Client disconnected mid-stream requestId={}", exchange.context().requestId());
            exchange.settle(cutShortOutcome(exchange, status, reader));
        }
    }

    /**
     * Relays an audio body as it arrives, so streamed speech reaches the client without delay,
     * and settles before the last bytes are released. The usage comes from the request and the
     * headers, so a client that disconnects is still charged for the audio the provider made.
     */
    private void relayAudio(Exchange exchange, UpstreamClient.Response response,
            Map<String, List<String>> headers, UsageReader reader, ClientSink sink) {
        Runnable settle = () -> exchange.settle(
                outcome(exchange, response.status(), reader, false));
        try {
            AudioRelay.relay(response.body(), sink.stream(response.status(), headers), settle);
        } catch (StreamRelay.ClientGone gone) {
            LOG.debug("Client disconnected mid-audio requestId={}", exchange.context().requestId());
            settle.run();
        }
    }

    /**
     * Returns the outcome of a stream the client left before its end. The provider's final usage
     * may not have arrived yet, and counts sent early undercount the output (Anthropic's
     * {@code message_start} reports 1 output token), so the output is the larger of the reported
     * count and an estimate from the text relayed so far.
     */
    private Outcome cutShortOutcome(Exchange exchange, int status, UsageReader reader) {
        Outcome outcome = outcome(exchange, status, reader, exchange.route().simulated());
        if (outcome.failed() || outcome.estimated()) {
            return outcome;
        }
        TokenUsage reported = outcome.usage().tokens();
        long relayed = TokenCounter.countText(outcome.model(), reader.outputText());
        if (relayed <= reported.output()) {
            return outcome;
        }
        TokenUsage raised = new TokenUsage(reported.inputUncached(), reported.cacheRead(),
                reported.cacheWrite(), relayed, reported.reasoning(), -1);
        return new Outcome(status, outcome.usage().withTokens(raised), true, outcome.model(),
                outcome.responseId(), outcome.simulated());
    }

    private Outcome outcome(Exchange exchange, int status, UsageReader reader, boolean simulated) {
        return Outcomes.of(exchange.prepared(), status, reader, simulated);
    }

    /** One request's state: settled at most once, whichever path ends it. */
    private final class Exchange {
        private final BillingContext context;
        private final Settlement.Request request;
        private final Prepared prepared;
        private final Route route;
        private final Settlement.RecordHook hook;
        private final AtomicReference<RequestRecord> settled = new AtomicReference<>();
        private long addedNanos;

        Exchange(BillingContext context, Settlement.Request request, Prepared prepared, Route route,
                Settlement.RecordHook hook) {
            this.context = context;
            this.request = request;
            this.prepared = prepared;
            this.route = route;
            this.hook = hook;
        }

        BillingContext context() {
            return context;
        }

        Prepared prepared() {
            return prepared;
        }

        Route route() {
            return route;
        }

        void settle(Outcome outcome) {
            if (settled.get() != null) {
                return;
            }
            long settleStart = System.nanoTime();
            RequestRecord record = settlement.settle(context, request, outcome, hook);
            settled.set(record);
            metrics.addedLatency(java.time.Duration.ofNanos(addedNanos + System.nanoTime() - settleStart));
            metrics.requestFinished(request.provider(), outcome.upstreamStatus(), outcome.simulated());
            if (context.debits()) {
                metrics.charged(record.charge());
            }
        }

        void settleIfNeeded(Outcome fallback) {
            if (settled.get() == null) {
                try {
                    settle(fallback);
                } catch (RuntimeException e) {
                    LOG.error("Settling a failed request failed requestId={}", context.requestId(), e);
                }
            }
        }
    }
}
