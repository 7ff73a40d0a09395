package dev.tollgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.client.ApiClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate meters list|get|create|delete}. */
@Command(name = "meters", mixinStandardHelpOptions = true, description = "Manage meters.",
        subcommands = {MeterCommands.ListMeters.class, MeterCommands.GetMeter.class,
                MeterCommands.CreateMeter.class, MeterCommands.DeleteMeter.class})
public final class MeterCommands {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String[] COLUMNS = {"meter_id", "meter_slug", "name", "rate_type", "tier_type"};

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List meters.")
    static final class ListMeters extends ApiCommand {
        @Mixin
        Pages pages;

        @Override
        void run(ApiClient client) {
            printList(client.get("v1/meters", pages.query()), COLUMNS);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one meter.")
    static final class GetMeter extends ApiCommand {
        @Parameters(paramLabel = "METER_ID", description = "Meter id (prd_...).")
        String id;

        @Override
        void run(ApiClient client) {
            printObject(client.get("v1/meters/" + encode(id), Map.of()));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a meter.")
    static final class CreateMeter extends ApiCommand {
        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Option(names = "--rate-type", required = true, paramLabel = "TYPE",
                description = "fixed (dollars per unit) or percentage (markup on cost).")
        String rateType;

        @Option(names = "--tier-type", required = true, paramLabel = "UNIT",
                description = "tokens_1m, characters_1m, minutes or requests.")
        String tierType;

        @Option(names = "--tier", required = true, paramLabel = "START:RATE",
                description = "A tier: first unit and rate, such as 0:2.50. Repeat for more.")
        List<String> tiers;

        @Override
        void run(ApiClient client) {
            ObjectNode body = JSON.createObjectNode().put("name", name)
                    .put("rate_type", rateType).put("tier_type", tierType);
            ArrayNode tierArray = body.putArray("tiers");
            for (String tier : tiers) {
                String[] parts = tier.split(":", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw usageError(spec, "Invalid --tier '" + tier + "': use START:RATE,"
                            + " such as 0:2.50.");
                }
                tierArray.addObject().put("start", parts[0]).put("rate", parts[1]);
            }
            printObject(client.post("v1/meters", body));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a meter.")
    static final class DeleteMeter extends ApiCommand {
        @Parameters(paramLabel = "METER_ID", description = "Meter id (prd_...).")
        String id;

        @Override
        void run(ApiClient client) {
            printObject(client.delete("v1/meters/" + encode(id)));
        }
    }
}
