package dev.tollgate.gateway;

import dev.tollgate.money.Money;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Prometheus metrics of the gateway: requests by provider and status, the latency Tollgate
 * adds, the provider's latency, requests in flight (each holds credit while it runs) and
 * credit charged. Credit is exported as a floating-point counter because that is the only
 * number type Prometheus has; the ledger stays exact. Thread-safe.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter charged;

    public GatewayMetrics(InFlight inFlight) {
        charged = Counter.builder("tollgate_credit_charged_dollars")
                .description("Credit debited from customers for usage")
                .register(registry);
        Gauge.builder("tollgate_gateway_requests_in_flight", inFlight, InFlight::running)
                .description("Gateway requests running now, each holding credit until it settles")
                .register(registry);
    }

    void requestFinished(String provider, int status, boolean simulated) {
        Counter.builder("tollgate_gateway_requests")
                .description("Gateway requests by provider and status")
                .tag("provider", provider)
                .tag("status", Integer.toString(status))
                .tag("simulated", Boolean.toString(simulated))
                .register(registry)
                .increment();
    }

    void addedLatency(Duration latency) {
        Timer.builder("tollgate_gateway_added_latency")
                .description("Time Tollgate adds to a request: checks, hold and settlement")
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(latency);
    }

    void upstreamLatency(String provider, Duration latency) {
        Timer.builder("tollgate_gateway_upstream_latency")
                .description("Time until the provider's response headers arrived")
                .tag("provider", provider)
                .register(registry)
                .record(latency);
    }

    void charged(Money amount) {
        charged.increment(amount.toBigDecimal().doubleValue());
    }

    /** Returns the metrics in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }
}
