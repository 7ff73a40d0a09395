package dev.tollgate.mcp;

import static dev.tollgate.mcp.ToolParam.Type.BOOLEAN;
import static dev.tollgate.mcp.ToolParam.Type.INTEGER;
import static dev.tollgate.mcp.ToolParam.Type.OBJECT;
import static dev.tollgate.mcp.ToolParam.Type.OBJECT_ARRAY;
import static dev.tollgate.mcp.ToolParam.Type.STRING;
import static dev.tollgate.mcp.ToolParam.Type.STRING_ARRAY;
import static dev.tollgate.mcp.ToolParam.optional;
import static dev.tollgate.mcp.ToolParam.required;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.client.ApiClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tools for the management API: meters, plans, checkout sessions, customers, subscriptions,
 * usage, requests and forward tokens. Each calls the matching {@code /v1/} endpoint with the
 * session's secret key; the server's validation errors come back as tool errors.
 */
final class ManagementTools {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolParam CURSOR = optional("cursor", STRING,
            "next_cursor of the previous page");
    private static final ToolParam LIMIT = optional("limit", INTEGER,
            "Page size from 1 to 100 (default 10)");

    private final Supplier<ApiClient> client;
    private final Supplier<String> serverUrl;

    /**
     * @param client the client each call uses
     * @param serverUrl the server URL to show clients, which differs from the client's own URL
     *     when the server calls itself
     */
    ManagementTools(Supplier<ApiClient> client, Supplier<String> serverUrl) {
        this.client = client;
        this.serverUrl = serverUrl;
    }

    List<ToolSpec> all() {
        return List.of(
                ToolSpec.of("meters_list", "List meters, newest first.",
                        args -> get("v1/meters", args.query("cursor", "limit")), CURSOR, LIMIT),
                ToolSpec.of("meters_get", "Get one meter by id.",
                        args -> get("v1/meters/" + id(args, "meter_id"), Map.of()),
                        required("meter_id", STRING, "Meter id (prd_...)")),
                ToolSpec.of("meters_create", "Create a meter that prices usage in tiers.",
                        args -> post("v1/meters", args.body("name", "rate_type", "tier_type",
                                "tiers")),
                        required("name", STRING, "Display name"),
                        ToolParam.choice("rate_type", true, "fixed (dollars per unit) or"
                                + " percentage (markup on provider cost)", "fixed", "percentage"),
                        ToolParam.choice("tier_type", true, "Unit the tiers count",
                                "tokens_1m", "characters_1m", "minutes", "requests"),
                        required("tiers", OBJECT_ARRAY, "Tiers such as [{\"start\":\"0\","
                                + "\"rate\":\"2.50\"}]; start counts units, rate is a decimal"
                                + " string")),
                ToolSpec.of("meters_delete", "Delete a meter.",
                        args -> client.get().delete("v1/meters/" + id(args, "meter_id")),
                        required("meter_id", STRING, "Meter id (prd_...)")),
                ToolSpec.of("plans_list", "List plans, newest first.",
                        args -> get("v1/plans", args.query("cursor", "limit")), CURSOR, LIMIT),
                ToolSpec.of("plans_get", "Get one plan by id.",
                        args -> get("v1/plans/" + id(args, "plan_id"), Map.of()),
                        required("plan_id", STRING, "Plan id (pln_...)")),
                ToolSpec.of("plans_create", "Create a subscription plan.",
                        args -> post("v1/plans", args.body("name", "period_amount",
                                "billing_interval", "included_credit", "meter_ids",
                                "credit_bundles", "rollover_type", "bundle_rollover_type")),
                        required("name", STRING, "Display name"),
                        required("period_amount", STRING, "Price per period in dollars, such"
                                + " as \"25.00\""),
                        ToolParam.choice("billing_interval", true, "Billing period", "day",
                                "week", "month", "year"),
                        optional("included_credit", STRING, "Credit included each period in"
                                + " dollars, such as \"10.00\""),
                        optional("meter_ids", STRING_ARRAY, "Meters the plan includes"),
                        optional("credit_bundles", OBJECT_ARRAY, "Top-up bundles such as"
                                + " [{\"name\":\"Small\",\"cost\":\"5.00\","
                                + "\"credit_amount\":\"5.00\"}]"),
                        optional("rollover_type", STRING, "Rollover of included credit"),
                        optional("bundle_rollover_type", STRING, "Rollover of bundle credit")),
                ToolSpec.of("checkout_sessions_create", "Create a checkout session for a"
                        + " subscription or a credit bundle.",
                        args -> post("v1/checkout_sessions", args.body("checkout_mode",
                                "origin_url", "plan_id", "customer_id", "credit_bundle_id")),
                        ToolParam.choice("checkout_mode", true, "What the customer buys",
                                "subscription", "credit_bundle"),
                        required("origin_url", STRING, "URL of the page that embeds checkout"),
                        optional("plan_id", STRING, "Plan to subscribe to"),
                        optional("customer_id", STRING, "Existing customer, when known"),
                        optional("credit_bundle_id", STRING, "Bundle to buy")),
                ToolSpec.of("customers_list", "List customers, newest first.",
                        args -> get("v1/customers", args.query("cursor", "limit")),
                        CURSOR, LIMIT),
                ToolSpec.of("customers_get", "Get one customer by id or reference_id.",
                        args -> get("v1/customers/" + id(args, "customer_id"), Map.of()),
                        required("customer_id", STRING, "Customer id (con_...) or"
                                + " reference_id")),
                ToolSpec.of("customers_create", "Create a customer; idempotent on"
                        + " reference_id.",
                        args -> post("v1/customers", args.body("reference_id", "email",
                                "phone", "name", "metadata")),
                        optional("reference_id", STRING, "Your id for the customer"),
                        optional("email", STRING, "Email address"),
                        optional("phone", STRING, "Phone number in E.164 form"),
                        optional("name", STRING, "Full name"),
                        optional("metadata", OBJECT, "String keys and values")),
                ToolSpec.of("subscriptions_list", "List subscriptions.",
                        args -> get("v1/subscriptions", args.query("customer_id", "plan_id",
                                "status", "cursor", "limit")),
                        optional("customer_id", STRING, "Only this customer's"),
                        optional("plan_id", STRING, "Only this plan's"),
                        optional("status", STRING, "Only this status"), CURSOR, LIMIT),
                ToolSpec.of("subscriptions_get", "Get a customer's subscription and credit.",
                        args -> get("v1/customers/" + id(args, "customer_id") + "/subscription",
                                Map.of()),
                        required("customer_id", STRING, "Customer id or reference_id")),
                ToolSpec.of("usage_get", "Daily usage totals: requests, tokens, cost and"
                        + " charge.",
                        args -> get("v1/usage", args.query("start", "end", "customer_id",
                                "meter_id", "metadata_filters")),
                        required("start", STRING, "Start, ISO-8601 with offset, such as"
                                + " 2026-12-01T00:00:00Z"),
                        optional("end", STRING, "End, ISO-8601 (default now)"),
                        optional("customer_id", STRING, "Only this customer"),
                        optional("meter_id", STRING, "Only this meter"),
                        optional("metadata_filters", STRING, "JSON array of [key, value] pairs")),
                ToolSpec.of("requests_list", "List metered requests, newest first.",
                        args -> get("v1/requests", args.query("customer_id", "meter_id",
                                "metadata_filters", "cursor", "limit")),
                        optional("customer_id", STRING, "Only this customer"),
                        optional("meter_id", STRING, "Only this meter"),
                        optional("metadata_filters", STRING, "JSON array of [key, value] pairs"),
                        CURSOR, LIMIT),
                ToolSpec.of("requests_get", "Get one metered request with its usage and charge.",
                        args -> get("v1/requests/" + id(args, "request_id"), Map.of()),
                        required("request_id", STRING, "Request id (req_...)")),
                ToolSpec.of("forward_token_create", "Build a forward token for gateway calls"
                        + " billed to a customer. The token contains the secret key: treat it"
                        + " as a secret.", this::forwardToken,
                        optional("customer_id", STRING, "Customer to charge (needs meter_slug)"),
                        optional("meter_slug", STRING, "Meter that prices the usage"),
                        optional("provider_key", STRING, "Your own provider key, when given"),
                        optional("disable_billing", BOOLEAN, "Record usage without charging")));
    }

    private JsonNode forwardToken(ToolArguments args) {
        if (args.text("customer_id").isPresent() && args.text("meter_slug").isEmpty()) {
            throw new ToolArgumentException("meter_slug", "is required with customer_id, so"
                    + " the gateway knows how to price the usage");
        }
        ObjectNode token = JSON.createObjectNode();
        token.put("secret_key", requireKey());
        token.setAll(args.body("customer_id", "meter_slug", "provider_key", "disable_billing"));
        ObjectNode result = JSON.createObjectNode();
        result.put("forward_token", Base64.getEncoder().encodeToString(
                token.toString().getBytes(StandardCharsets.UTF_8)));
        String url = serverUrl.get();
        result.put("usage", "Send it as 'Authorization: Bearer <token>' to " + url
                + (url.endsWith("/") ? "" : "/") + "v1/forward?u=<provider URL>");
        return result;
    }

    /** Returns the session's key, for a forward token. */
    private String requireKey() {
        return McpSession.requireKey(client.get());
    }

    private JsonNode get(String path, Map<String, String> query) {
        return client.get().get(path, query);
    }

    private JsonNode post(String path, JsonNode body) {
        return client.get().post(path, body);
    }

    private static String id(ToolArguments args, String name) {
        return ApiClient.pathSegment(args.requiredText(name));
    }
}
