package dev.tollgate.api;

import dev.tollgate.accounts.LoginCodes;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.spendkeys.SpendKeys;
import dev.tollgate.core.Ids;
import dev.tollgate.billing.Meters;
import dev.tollgate.billing.PriceCatalogue;
import dev.tollgate.core.ApiError;
import dev.tollgate.customers.Customers;
import dev.tollgate.checkout.CheckoutSessions;
import dev.tollgate.webhooks.AlertSettings;
import dev.tollgate.checkout.EmbeddedCheckout;
import dev.tollgate.gateway.Forwarder;
import dev.tollgate.gateway.ManualUsage;
import dev.tollgate.gateway.RequestRecords;
import dev.tollgate.subscriptions.CreditBundles;
import dev.tollgate.subscriptions.Plans;
import dev.tollgate.subscriptions.Renewals;
import dev.tollgate.subscriptions.Subscriptions;
import dev.tollgate.webhooks.WebhookService;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import io.helidon.webserver.http.HttpRouting;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Registers every HTTP route of the server on a routing builder. */
public final class ApiRoutes {
    private ApiRoutes() {
    }

    /** The services the routes call. */
    public record Services(SecretKeys secretKeys, Meters meters, Plans plans,
            CreditBundles creditBundles, Customers customers, Subscriptions subscriptions,
            Renewals renewals,
            CheckoutSessions checkoutSessions, EmbeddedCheckout embeddedCheckout,
            Forwarder forwarder, RequestRecords requestRecords,
            ManualUsage manualUsage, PriceCatalogue prices, Jdbi jdbi, Clock clock,
            Optional<String> publicUrl, WebhookService webhooks, SpendKeys spendKeys) {
    }

    /**
     * Adds the health check, the management API and a JSON 404 for every other path.
     *
     * @param ready whether startup finished; {@code /healthz} returns 503 until it has
     */
    public static void register(HttpRouting.Builder routing, Services services,
            BooleanSupplier ready) {
        Endpoints endpoints = new Endpoints(services.secretKeys());
        routing.get("/healthz", Endpoints.open(() -> ready.getAsBoolean()
                ? Reply.ok(Map.of("status", "ok"))
                : new Reply(503, Map.of("status", "starting"))));
        routing.get("/metrics", (request, response) -> {
            response.header(io.helidon.http.HeaderNames.CONTENT_TYPE,
                    "text/plain; version=0.0.4; charset=utf-8");
            response.send(services.forwarder().metrics().scrape());
        });
        new MeterRoutes(services.meters(), endpoints).register(routing);
        new PlanRoutes(services.plans(), services.creditBundles(), endpoints).register(routing);
        new CustomerRoutes(services.customers(), endpoints).register(routing);
        new SecretKeyRoutes(services.secretKeys(), endpoints).register(routing);
        new SpendKeyRoutes(services.spendKeys(), endpoints, services.clock()).register(routing);
        new LoginRoutes(services.secretKeys(), new LoginCodes(services.jdbi(),
                new Ids(services.clock()), services.clock(), services.secretKeys()))
                .register(routing);
        new SubscriptionRoutes(services.jdbi(), services.subscriptions(), services.renewals(),
                endpoints, services.clock()).register(routing);
        new CheckoutRoutes(services.checkoutSessions(), services.embeddedCheckout(), endpoints,
                services.publicUrl()).register(routing);
        new EmbedRoutes(services.embeddedCheckout()).register(routing);
        new ForwardRoutes(services.forwarder()).register(routing);
        new RequestRoutes(services.requestRecords(), services.manualUsage(), endpoints)
                .register(routing);
        new UsageRoutes(services.requestRecords(), endpoints, services.clock()).register(routing);
        new ModelRoutes(services.prices(), services.spendKeys()).register(routing);
        new WebhookRoutes(services.webhooks().endpoints(), services.webhooks().deliveries(),
                endpoints).register(routing);
        new AlertSettingsRoutes(new AlertSettings(services.jdbi()), endpoints).register(routing);
        routing.any((request, response) -> Endpoints.send(response, new Reply(404,
                Endpoints.errorBody(ApiError.noRoute(request.prologue().method().text(),
                        request.path().path())))));
    }
}
