package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.client.ApiClient;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Read-only commands: customers, usage and requests. */
public final class ReadCommands {
    private ReadCommands() {
    }

    /** {@code tollgate customers list|get}. */
    @Command(name = "customers", mixinStandardHelpOptions = true, description = "Read customers.",
            subcommands = {ListCustomers.class, GetCustomer.class})
    public static final class Customers {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List customers.")
    static final class ListCustomers extends ApiCommand {
        @Mixin
        Pages pages;

        @Override
        void run(ApiClient client) {
            printList(client.get("v1/customers", pages.query()), "customer_id",
                    "reference_id", "contact.email", "subscription.name", "subscription.status");
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one customer.")
    static final class GetCustomer extends ApiCommand {
        @Parameters(paramLabel = "CUSTOMER_ID", description = "Customer id or reference_id.")
        String id;

        @Override
        void run(ApiClient client) {
            printObject(client.get("v1/customers/" + encode(id), Map.of()));
        }
    }

    /** {@code tollgate usage}: daily totals. */
    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "Show daily usage: requests, tokens, cost and charge in dollars.")
    public static final class Usage extends ApiCommand {
        @Option(names = "--start", paramLabel = "TIME",
                description = "Start, ISO-8601 with offset (default: 7 days ago, 00:00 UTC).")
        String start;

        @Option(names = "--end", paramLabel = "TIME", description = "End, ISO-8601 (default now).")
        String end;

        @Option(names = "--customer", paramLabel = "CUSTOMER_ID", description = "Only this customer.")
        String customerId;

        @Option(names = "--meter", paramLabel = "METER_ID", description = "Only this meter.")
        String meterId;

        @Override
        void run(ApiClient client) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("start", start != null ? start
                    : LocalDate.now(ZoneOffset.UTC).minusDays(7).atStartOfDay()
                            .toInstant(ZoneOffset.UTC).toString());
            query.put("end", end);
            query.put("customer_id", customerId);
            query.put("meter_id", meterId);
            JsonNode reply = client.get("v1/usage", query);
            Output.table(out(), options.json, reply, reply.path("items"), "date",
                    "total_requests", "total_usage_tokens", "total_cost", "total_charge");
            if (!options.json) {
                JsonNode totals = reply.path("totals");
                out().println("total: " + totals.path("total_requests").asText() + " requests, "
                        + totals.path("total_usage_tokens").asText() + " tokens, cost "
                        + totals.path("total_cost").asText() + ", charge "
                        + totals.path("total_charge").asText());
            }
        }
    }

    /** {@code tollgate requests list|get}. */
    @Command(name = "requests", mixinStandardHelpOptions = true,
            description = "Read metered requests.", subcommands = {ListRequests.class,
                    GetRequest.class})
    public static final class Requests {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List requests.")
    static final class ListRequests extends ApiCommand {
        @Option(names = "--customer", paramLabel = "CUSTOMER_ID", description = "Only this customer.")
        String customerId;

        @Option(names = "--meter", paramLabel = "METER_ID", description = "Only this meter.")
        String meterId;

        @Mixin
        Pages pages;

        @Override
        void run(ApiClient client) {
            Map<String, String> query = pages.query();
            query.put("customer_id", customerId);
            query.put("meter_id", meterId);
            printList(client.get("v1/requests", query), "request_id", "status", "model",
                    "customer_id", "charge.amount", "created_at");
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one request.")
    static final class GetRequest extends ApiCommand {
        @Parameters(paramLabel = "REQUEST_ID", description = "Request id (req_...).")
        String id;

        @Override
        void run(ApiClient client) {
            printObject(client.get("v1/requests/" + encode(id), Map.of()));
        }
    }
}
