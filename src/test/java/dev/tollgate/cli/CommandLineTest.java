package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Main;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The management commands run in-process against a test server, in both output modes. */
class CommandLineTest extends BothDatabases {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The exit code and the captured standard output and error of one command. */
    private record Run(int exitCode, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("output is not JSON: " + out, e);
            }
        }
    }

    private static Run tollgate(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--help")) {
            all.addAll(List.of("--url", "http://127.0.0.1:" + server.port(),
                    "--key", TestServer.SANDBOX_KEY));
        }
        return run(all);
    }

    /** Runs a command with exactly {@code args}, adding no --url or --key. */
    private static Run run(List<String> all) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void meterCreatedAndShownAsTable() {
        Run created = tollgate("meters", "create", "--name", "CLI table", "--rate-type", "fixed",
                "--tier-type", "tokens_1m", "--tier", "0:2.50", "--tier", "1000000:2");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).containsPattern("(?m)^meter_id\\s+prd_test_\\w+$");
        assertThat(created.out()).containsPattern("(?m)^name\\s+CLI table$");
        String meterId = created.out().lines().filter(line -> line.startsWith("meter_id"))
                .findFirst().orElseThrow().split("\\s+")[1];

        Run listed = tollgate("meters", "list", "--limit", "100");

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out().lines().findFirst().orElseThrow())
                .startsWith("METER_ID").contains("RATE_TYPE");
        assertThat(listed.out()).containsPattern("(?m)^" + meterId + "\\s+\\S+\\s+CLI table\\s+fixed");
    }

    @Test
    void meterAndPlanCreatedAsJson() {
        Run meter = tollgate("meters", "create", "--json", "--name", "CLI json", "--rate-type",
                "fixed", "--tier-type", "requests", "--tier", "0:0.01");
        assertThat(meter.exitCode()).as(meter.err()).isZero();
        String meterId = meter.json().get("meter_id").asText();

        Run plan = tollgate("plans", "create", "--json", "--name", "CLI plan", "--amount",
                "25.00", "--interval", "month", "--included-credit", "10.00", "--meter", meterId);

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        String planId = plan.json().get("plan_id").asText();
        assertThat(planId).startsWith("pln_test_");
        Run fetched = tollgate("plans", "get", planId, "--json");
        assertThat(fetched.json().get("name").asText()).isEqualTo("CLI plan");
        assertThat(fetched.json().get("period_amount").asText()).isEqualTo("25.00");
        Run table = tollgate("plans", "list", "--limit", "100");
        assertThat(table.out()).containsPattern("(?m)^" + planId + "\\s+CLI plan\\s+25.00\\s+month");
    }

    @Test
    void usageReadInBothModes() {
        Run json = tollgate("usage", "--json", "--start", "2026-01-01T00:00:00Z", "--end",
                "2026-01-03T00:00:00Z");
        Run table = tollgate("usage", "--start", "2026-01-01T00:00:00Z", "--end",
                "2026-01-03T00:00:00Z");

        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.json().get("items")).hasSize(2);
        assertThat(json.json().at("/totals/total_requests").asLong()).isZero();
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("DATE", "TOTAL_CHARGE", "2026-01-01", "2026-01-02");
        assertThat(table.out()).containsPattern("(?m)^total: 0 requests");
    }

    @Test
    void customersAndRequestsListed() {
        Run customers = tollgate("customers", "list");
        Run requests = tollgate("requests", "list", "--json");

        assertThat(customers.exitCode()).isZero();
        assertThat(customers.out()).startsWith("CUSTOMER_ID");
        assertThat(requests.exitCode()).isZero();
        assertThat(requests.json().get("data").isArray()).isTrue();
    }

    @Test
    void apiErrorExitsWithOne() {
        Run missing = tollgate("meters", "get", "prd_test_01ARZ3NDEKTSV4RRFFQ69G5FAV");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("tollgate: ").contains("No meter").contains("404");
        assertThat(missing.out()).isEmpty();
    }

    @Test
    void customerIdWithSpaceIsPercentEncoded() {
        String reference = "user " + System.nanoTime();
        ApiResponse created = server.post(TestServer.SANDBOX_KEY, "/v1/customers",
                "{\"reference_id\": \"" + reference + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        Run fetched = tollgate("customers", "get", reference, "--json");

        assertThat(fetched.exitCode()).as(fetched.err()).isZero();
        assertThat(fetched.json().get("reference_id").asText()).isEqualTo(reference);
    }

    @Test
    void pathSegmentEncoding() {
        assertThat(dev.tollgate.client.ApiClient.pathSegment("user 42")).isEqualTo("user%2042");
        assertThat(dev.tollgate.client.ApiClient.pathSegment("a+b/c")).isEqualTo("a%2Bb%2Fc");
        assertThat(dev.tollgate.client.ApiClient.pathSegment("..")).isEqualTo("%2E%2E");
        assertThat(dev.tollgate.client.ApiClient.pathSegment("é")).isEqualTo("%C3%A9");
    }

    @Test
    void invalidUrlExitsWithTwo() {
        for (String url : List.of("ftp://127.0.0.1/", "http://h/x y", "127.0.0.1:8080",
                "http:///v1")) {
            Run listed = run(List.of("customers", "list", "--url", url, "--key",
                    TestServer.SANDBOX_KEY));

            assertThat(listed.exitCode()).as(url).isEqualTo(2);
            assertThat(listed.err()).as(url).contains("Invalid --url '" + url + "'");
            assertThat(listed.err()).as(url).contains("such as http://127.0.0.1:8080");
            assertThat(listed.err()).as(url).doesNotContain("URISyntaxException");
        }
    }

    @Test
    void usageErrorExitsWithTwo() {
        Run noName = tollgate("meters", "create", "--rate-type", "fixed", "--tier-type",
                "requests", "--tier", "0:1");
        Run badTier = tollgate("meters", "create", "--name", "x", "--rate-type", "fixed",
                "--tier-type", "requests", "--tier", "nonsense");

        assertThat(noName.exitCode()).isEqualTo(2);
        assertThat(noName.err()).contains("--name");
        assertThat(badTier.exitCode()).isEqualTo(2);
        assertThat(badTier.err()).contains("Invalid --tier 'nonsense'");
    }

    @Test
    void everyCommandPrintsHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);

        assertThat(paths).hasSizeGreaterThan(15);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            Run help = tollgate(args.toArray(String[]::new));
            assertThat(help.exitCode()).as(String.join(" ", path)).isZero();
            assertThat(help.out()).as(String.join(" ", path)).startsWith("Usage: tollgate");
        }
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(name);
            collect(sub, subPath, paths);
        });
    }
}
