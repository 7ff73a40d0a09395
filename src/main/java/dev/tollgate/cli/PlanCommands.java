package dev.tollgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.client.ApiClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate plans list|get|create}. */
@Command(name = "plans", mixinStandardHelpOptions = true, description = "Manage plans.",
        subcommands = {PlanCommands.ListPlans.class, PlanCommands.GetPlan.class,
                PlanCommands.CreatePlan.class})
public final class PlanCommands {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String[] COLUMNS = {"plan_id", "name", "period_amount", "billing_interval",
            "included_credit"};

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List plans.")
    static final class ListPlans extends ApiCommand {
        @Mixin
        Pages pages;

        @Override
        void run(ApiClient client) {
            printList(client.get("v1/plans", pages.query()), COLUMNS);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one plan.")
    static final class GetPlan extends ApiCommand {
        @Parameters(paramLabel = "PLAN_ID", description = "Plan id (pln_...).")
        String id;

        @Override
        void run(ApiClient client) {
            printObject(client.get("v1/plans/" + encode(id), Map.of()));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a plan.")
    static final class CreatePlan extends ApiCommand {
        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Option(names = "--amount", required = true, paramLabel = "DOLLARS",
                description = "Price per period in dollars, such as 25.00.")
        String amount;

        @Option(names = "--interval", required = true, paramLabel = "INTERVAL",
                description = "Billing period: day, week, month or year.")
        String interval;

        @Option(names = "--included-credit", paramLabel = "DOLLARS",
                description = "Credit included each period in dollars.")
        String includedCredit;

        @Option(names = "--meter", paramLabel = "METER_ID",
                description = "A meter the plan includes. Repeat for more.")
        List<String> meterIds;

        @Override
        void run(ApiClient client) {
            ObjectNode body = JSON.createObjectNode().put("name", name)
                    .put("period_amount", amount).put("billing_interval", interval);
            if (includedCredit != null) {
                body.put("included_credit", includedCredit);
            }
            if (meterIds != null) {
                meterIds.forEach(body.putArray("meter_ids")::add);
            }
            printObject(client.post("v1/plans", body));
        }
    }
}
