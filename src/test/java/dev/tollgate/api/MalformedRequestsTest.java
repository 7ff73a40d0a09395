package dev.tollgate.api;

import static dev.tollgate.testing.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.testing.ApiResponse;
import dev.tollgate.testing.BothDatabases;
import dev.tollgate.testing.Catalogue;
import dev.tollgate.testing.TestServer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests, each rejected with a 4xx status and a JSON error naming the field at
 * fault, and none of them changing stored data. Paths and bodies may name the objects made
 * before each case: {@code {meter}}, {@code {plan}}, {@code {bundle}} and {@code {customer}}.
 */
class MalformedRequestsTest extends BothDatabases {
    private static final String KEY = TestServer.SANDBOX_KEY;
    private static final String METER = """
            "name": "Tokens", "rate_type": "fixed", "tier_type": "tokens_1m\"""";
    private static final String PLAN = """
            "name": "Pro", "period_amount": "25.00", "billing_interval": "month\"""";
    private static final String BUNDLE = """
            {"name": "Top up", "cost": "10.00", "credit_amount": "10"}""";
    private static final String ONE_TIER = "[{\"start\": \"0\", \"rate\": \"1\"}]";
    private static final String UNKNOWN_BUNDLE = "cb_test_01J00000000000000000000000";
    /** The lists whose contents every rejected request must leave unchanged, with id fields. */
    private static final Map<String, String> LISTS = Map.of(
            "/v1/meters", "meter_id",
            "/v1/plans", "plan_id",
            "/v1/credit_bundles", "credit_bundle_id",
            "/v1/customers", "customer_id",
            "/v1/secret_keys", "secret_key_id");

    private final Map<String, String> fixtures = new LinkedHashMap<>();

    /** One malformed request and its expected error. A null {@code param} names no field. */
    record Malformed(String method, String path, String body, int status, String code,
            String param) {
    }

    private static Arguments row(String name, String method, String path, String body,
            int status, String code, String param) {
        return Arguments.of(name, new Malformed(method, path, body, status, code, param));
    }

    private static Arguments notJson(String name, String path, String body) {
        return row(name, "POST", path, body, 400, "invalid_json", null);
    }

    private static Arguments meter(String name, String tiers, String code, String param) {
        String body = "{" + METER + ", \"tiers\": " + tiers + "}";
        return row(name, "POST", "/v1/meters", body, 400, code, param);
    }

    private static Arguments meterField(String name, String field, String code, String param) {
        String body = "{" + METER + ", \"tiers\": " + ONE_TIER + ", " + field + "}";
        return row(name, "POST", "/v1/meters", body, 400, code, param);
    }

    private static Arguments meterUpdate(String name, String body, String param) {
        return row(name, "PATCH", "/v1/meters/{meter}", body, 400, "invalid_value", param);
    }

    private static Arguments plan(String name, String fields, String code, String param) {
        String body = "{" + PLAN + ", " + fields + "}";
        return row(name, "POST", "/v1/plans", body, 400, code, param);
    }

    private static Arguments planUpdate(String name, String body, String code, String param) {
        return row(name, "PATCH", "/v1/plans/{plan}", body, 400, code, param);
    }

    private static Arguments customer(String name, String body, String code, String param) {
        return row(name, "POST", "/v1/customers", body, 400, code, param);
    }

    private static Arguments customerUpdate(String name, String body, String code, String param) {
        return row(name, "PATCH", "/v1/customers/{customer}", body, 400, code, param);
    }

    private static Arguments query(String name, String path, String param) {
        return row(name, "GET", path, null, 400, "invalid_value", param);
    }

    private static String repeated(int count, String item) {
        return String.join(", ", Collections.nCopies(count, item));
    }

    private static String tiersStartingAt(int count) {
        return "[" + IntStream.range(0, count)
                .mapToObj(i -> "{\"start\": " + i + ", \"rate\": \"1\"}")
                .collect(Collectors.joining(", ")) + "]";
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                notJson("body not JSON", "/v1/meters", "{\"name\": "),
                notJson("body a JSON array", "/v1/plans", "[1, 2]"),
                notJson("body a JSON string", "/v1/customers", "\"ada\""),
                notJson("body JSON null", "/v1/secret_keys", "null"),
                notJson("trailing JSON after body", "/v1/customers", "{} {}"),
                notJson("raw control character", "/v1/customers", "{\"email\": \"a\tb\"}"),
                notJson("nesting too deep", "/v1/customers", "{\"metadata\": {\"a\": "
                        + "[".repeat(5000) + "]".repeat(5000) + "}}"),
                notJson("number too long", "/v1/meters", "{" + METER + ", \"tiers\": [{\"start\": "
                        + "9".repeat(5000) + ", \"rate\": \"1\"}]}"),
                row("body over one MiB", "POST", "/v1/customers",
                        "{\"email\": \"" + "a".repeat(Call.MAX_BODY_BYTES) + "\"}", 413,
                        "body_too_large", null),
                row("secret key name missing", "POST", "/v1/secret_keys", "{}", 400,
                        "missing_field", "name"));
    }

    static Stream<Arguments> malformedMeters() {
        return Stream.of(
                row("meter name missing", "POST", "/v1/meters", """
                        {"rate_type": "fixed", "tier_type": "requests", "tiers": []}""", 400,
                        "missing_field", "name"),
                row("meter tiers missing", "POST", "/v1/meters", "{" + METER + "}", 400,
                        "missing_field", "tiers"),
                meter("rate as number", "[{\"start\": \"0\", \"rate\": 2.5}]", "wrong_type",
                        "tiers[0].rate"),
                meter("tiers as string", "\"0:2\"", "wrong_type", "tiers"),
                meter("tier not an object", "[{\"start\": \"0\", \"rate\": \"1\"}, 5]",
                        "wrong_type", "tiers[1]"),
                meter("tier rate missing", "[{\"start\": \"0\"}]", "missing_field",
                        "tiers[0].rate"),
                row("unknown rate_type", "POST", "/v1/meters", """
                        {"name": "x", "rate_type": "flat", "tier_type": "requests",
                         "tiers": [{"start": "0", "rate": "1"}]}""", 400, "invalid_value",
                        "rate_type"),
                row("unknown tier_type", "POST", "/v1/meters", """
                        {"name": "x", "rate_type": "fixed", "tier_type": "tokens",
                         "tiers": [{"start": "0", "rate": "1"}]}""", 400, "invalid_value",
                        "tier_type"),
                meter("tiers unsorted", """
                        [{"start": "0", "rate": "3"}, {"start": "1000", "rate": "2"},
                         {"start": "500", "rate": "1"}]""", "invalid_value", "tiers[2].start"),
                meter("duplicate tier start", """
                        [{"start": "0", "rate": "3"}, {"start": 0, "rate": "2"}]""",
                        "invalid_value", "tiers[1].start"),
                meter("negative tier start", """
                        [{"start": "0", "rate": "3"}, {"start": -5, "rate": "2"}]""",
                        "invalid_value", "tiers[1].start"),
                meter("negative tier start text", """
                        [{"start": "0", "rate": "3"}, {"start": "-5", "rate": "2"}]""",
                        "invalid_value", "tiers[1].start"),
                meter("tier start letters", """
                        [{"start": "0", "rate": "3"}, {"start": "abc", "rate": "2"}]""",
                        "invalid_value", "tiers[1].start"),
                meter("fractional tier start", """
                        [{"start": "0", "rate": "3"}, {"start": 1.5, "rate": "2"}]""",
                        "wrong_type", "tiers[1].start"),
                meter("tier start over maximum", """
                        [{"start": "0", "rate": "3"},
                         {"start": 1000000000000000001, "rate": "2"}]""",
                        "invalid_value", "tiers[1].start"),
                meter("first tier not at 0", "[{\"start\": \"100\", \"rate\": \"1\"}]",
                        "invalid_value", "tiers[0].start"),
                meter("empty tiers", "[]", "invalid_value", "tiers"),
                meter("too many tiers", tiersStartingAt(51), "invalid_value", "tiers"),
                meter("rate with 11 fractional digits",
                        "[{\"start\": \"0\", \"rate\": \"0.00000000001\"}]", "invalid_value",
                        "tiers[0].rate"),
                meter("negative rate", "[{\"start\": \"0\", \"rate\": \"-1\"}]", "invalid_value",
                        "tiers[0].rate"),
                meter("rate in exponent form", "[{\"start\": \"0\", \"rate\": \"1e3\"}]",
                        "invalid_value", "tiers[0].rate"),
                meterField("meter_slug with spaces", "\"meter_slug\": \"Chat Tokens\"",
                        "invalid_value", "meter_slug"),
                meterField("meter_slug as number", "\"meter_slug\": 7", "wrong_type",
                        "meter_slug"),
                row("meter name too long", "POST", "/v1/meters", "{\"name\": \""
                        + "n".repeat(201) + "\", \"rate_type\": \"fixed\", \"tier_type\":"
                        + " \"requests\", \"tiers\": " + ONE_TIER + "}", 400, "invalid_value",
                        "name"),
                row("meter name blank", "POST", "/v1/meters", """
                        {"name": "   ", "rate_type": "fixed", "tier_type": "requests",
                         "tiers": [{"start": "0", "rate": "1"}]}""", 400, "invalid_value",
                        "name"),
                row("meter name with NUL", "POST", "/v1/meters", """
                        {"name": "a\\u0000b", "rate_type": "fixed", "tier_type": "requests",
                         "tiers": [{"start": "0", "rate": "1"}]}""", 400, "invalid_value",
                        "name"),
                meterUpdate("meter update unsorted tiers", """
                        {"name": "Renamed", "tiers": [{"start": "0", "rate": "1"},
                                                      {"start": "0", "rate": "2"}]}""",
                        "tiers[1].start"),
                meterUpdate("meter update with meter_slug", "{\"meter_slug\": \"other\"}",
                        "meter_slug"),
                meterUpdate("meter update with tier_type", "{\"tier_type\": \"requests\"}",
                        "tier_type"));
    }

    static Stream<Arguments> malformedPlans() {
        return Stream.of(
                row("plan billing_interval missing", "POST", "/v1/plans",
                        "{\"name\": \"Pro\", \"period_amount\": \"1.00\"}", 400, "missing_field",
                        "billing_interval"),
                row("unknown billing_interval", "POST", "/v1/plans", """
                        {"name": "Pro", "period_amount": "25.00", "billing_interval": "fortnight"}""",
                        400, "invalid_value", "billing_interval"),
                plan("unknown rollover_type", "\"rollover_type\": \"partial\"", "invalid_value",
                        "rollover_type"),
                row("period_amount over maximum", "POST", "/v1/plans", """
                        {"name": "Big", "period_amount": "1000000.01",
                         "billing_interval": "month"}""",
                        400, "invalid_value", "period_amount"),
                row("period_amount with 3 fractional digits", "POST", "/v1/plans", """
                        {"name": "Odd", "period_amount": "9.999", "billing_interval": "month"}""",
                        400, "invalid_value", "period_amount"),
                row("period_amount as number", "POST", "/v1/plans", """
                        {"name": "Number", "period_amount": 25, "billing_interval": "month"}""",
                        400, "wrong_type", "period_amount"),
                row("period_amount negative", "POST", "/v1/plans", """
                        {"name": "Minus", "period_amount": "-1.00", "billing_interval": "month"}""",
                        400, "invalid_value", "period_amount"),
                plan("included_credit with 11 fractional digits",
                        "\"included_credit\": \"1.00000000001\"", "invalid_value",
                        "included_credit"),
                plan("meter_ids naming unknown meter",
                        "\"meter_ids\": [\"{meter}\", \"prd_test_01J00000000000000000000000\"]",
                        "resource_missing", "meter_ids[1]"),
                plan("duplicate meter_ids", "\"meter_ids\": [\"{meter}\", \"{meter}\"]",
                        "invalid_value", "meter_ids[1]"),
                plan("meter_ids as string", "\"meter_ids\": \"{meter}\"", "wrong_type",
                        "meter_ids"),
                plan("meter_ids with empty item", "\"meter_ids\": [\"\"]", "wrong_type",
                        "meter_ids[0]"),
                plan("NUL in meter_ids item", "\"meter_ids\": [\"prd\\u0000x\"]",
                        "invalid_value", "meter_ids[0]"),
                plan("bundle cost with 3 fractional digits", "\"credit_bundles\": [{\"name\":"
                        + " \"x\", \"cost\": \"1.005\", \"credit_amount\": \"1\"}]",
                        "invalid_value", "credit_bundles[0].cost"),
                plan("late bundle missing credit_amount", "\"credit_bundles\": [" + BUNDLE
                        + ", " + BUNDLE + ", {\"name\": \"Late\", \"cost\": \"1.00\"}]",
                        "missing_field", "credit_bundles[2].credit_amount"),
                plan("too many bundles", "\"credit_bundles\": [" + repeated(21, BUNDLE) + "]",
                        "invalid_value", "credit_bundles"),
                plan("bundle index out of range", "\"credit_bundles\": [" + repeated(2, BUNDLE)
                        + "], \"default_auto_top_up_bundle_index\": 2", "invalid_value",
                        "default_auto_top_up_bundle_index"),
                plan("bundle index without bundles", "\"default_auto_top_up_bundle_index\": 0",
                        "invalid_value", "default_auto_top_up_bundle_index"),
                plan("bundle index as string", "\"credit_bundles\": [" + BUNDLE
                        + "], \"default_auto_top_up_bundle_index\": \"0\"", "wrong_type",
                        "default_auto_top_up_bundle_index"));
    }

    static Stream<Arguments> malformedPlanUpdates() {
        return Stream.of(
                planUpdate("plan update with period_amount", "{\"period_amount\": \"30.00\"}",
                        "invalid_value", "period_amount"),
                planUpdate("plan update with billing_interval",
                        "{\"billing_interval\": \"year\"}", "invalid_value", "billing_interval"),
                planUpdate("bundle change deleted without id",
                        "{\"credit_bundles\": [{\"is_deleted\": true}]}", "missing_field",
                        "credit_bundles[0].credit_bundle_id"),
                planUpdate("new bundle without cost", """
                        {"credit_bundles": [{"name": "New", "credit_amount": "5"}]}""",
                        "missing_field", "credit_bundles[0].cost"),
                planUpdate("is_deleted as string", """
                        {"credit_bundles": [{"credit_bundle_id": "{bundle}",
                                             "is_deleted": "yes"}]}""",
                        "wrong_type", "credit_bundles[0].is_deleted"),
                planUpdate("unknown credit_bundle_id", """
                        {"name": "Half applied", "meter_ids": [],
                         "credit_bundles": [
                           {"credit_bundle_id": "{bundle}", "name": "Renamed"},
                           {"name": "Added", "cost": "1.00", "credit_amount": "1"},
                           {"credit_bundle_id": "%s"}]}""".formatted(UNKNOWN_BUNDLE),
                        "resource_missing", "credit_bundles[2].credit_bundle_id"),
                planUpdate("duplicate credit_bundle_id", """
                        {"credit_bundles": [{"credit_bundle_id": "{bundle}", "name": "One"},
                                            {"credit_bundle_id": "{bundle}", "name": "Two"}]}""",
                        "invalid_value", "credit_bundles[1].credit_bundle_id"),
                planUpdate("update leaving too many bundles",
                        "{\"credit_bundles\": [" + repeated(19, BUNDLE) + "]}", "invalid_value",
                        "credit_bundles"),
                planUpdate("default bundle of no bundle",
                        "{\"default_auto_top_up_bundle_id\": \"" + UNKNOWN_BUNDLE + "\"}",
                        "resource_missing", "default_auto_top_up_bundle_id"));
    }

    static Stream<Arguments> malformedCustomers() {
        String manyKeys = IntStream.range(0, 51)
                .mapToObj(i -> "\"k" + i + "\": 1")
                .collect(Collectors.joining(", "));
        return Stream.of(
                customer("phone without country code", "{\"phone\": \"2025550100\"}",
                        "invalid_value", "phone"),
                customer("phone too short", "{\"phone\": \"+1 202\"}", "invalid_value", "phone"),
                customerUpdate("phone not a number", "{\"phone\": \"+call me\"}", "invalid_value",
                        "phone"),
                customer("invalid email", "{\"email\": \"ada.example.com\"}", "invalid_value",
                        "email"),
                customerUpdate("email too long", "{\"email\": \"" + "a".repeat(250)
                        + "@example.com\"}", "invalid_value", "email"),
                customer("metadata an array", "{\"metadata\": [1, 2]}", "wrong_type", "metadata"),
                customerUpdate("metadata a string", "{\"metadata\": \"{}\"}", "wrong_type",
                        "metadata"),
                customer("metadata with 51 keys", "{\"metadata\": {" + manyKeys + "}}",
                        "invalid_value", "metadata"),
                customer("reference_id as number", "{\"reference_id\": 42}", "wrong_type",
                        "reference_id"),
                customer("reference_id too long", "{\"reference_id\": \"" + "r".repeat(256)
                        + "\"}", "invalid_value", "reference_id"),
                customerUpdate("NUL in reference_id", "{\"reference_id\": \"a\\u0000\"}",
                        "invalid_value", "reference_id"),
                customer("slash in reference_id", "{\"reference_id\": \"team/ada\"}",
                        "invalid_value", "reference_id"),
                customerUpdate("slash in new reference_id", "{\"reference_id\": \"a/b\"}",
                        "invalid_value", "reference_id"),
                customer("customer name as object", "{\"name\": {\"first\": \"Ada\"}}",
                        "wrong_type", "name"));
    }

    static Stream<Arguments> malformedQueries() {
        return Stream.of(
                query("limit zero", "/v1/meters?limit=0", "limit"),
                query("limit not a number", "/v1/plans?limit=abc", "limit"),
                query("limit over maximum", "/v1/customers?limit=101", "limit"),
                query("limit negative", "/v1/secret_keys?limit=-1", "limit"),
                query("cursor with punctuation", "/v1/meters?cursor=abc-def", "cursor"),
                query("cursor too long", "/v1/credit_bundles?cursor=" + "c".repeat(101),
                        "cursor"),
                query("NUL in path id", "/v1/meters/prd%00x", "id"),
                query("NUL in query plan_id", "/v1/credit_bundles?plan_id=pln%00x", "plan_id"));
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(malformedBodies(), malformedMeters(), malformedPlans(),
                        malformedPlanUpdates(), malformedCustomers(), malformedQueries())
                .flatMap(rows -> rows);
    }

    @BeforeEach
    void createFixtures() {
        Catalogue catalogue = new Catalogue(server);
        String meterId = catalogue.newMeterId(KEY, "Fixture");
        JsonNode plan = catalogue.planFrom(KEY, """
                {"name": "Fixture plan", "period_amount": "25.00", "billing_interval": "month",
                 "meter_ids": ["%s"], "credit_bundles": [%s, %s]}"""
                .formatted(meterId, BUNDLE, BUNDLE));
        fixtures.put("{meter}", meterId);
        fixtures.put("{plan}", plan.get("plan_id").asText());
        fixtures.put("{bundle}", plan.at("/credit_bundles/0/credit_bundle_id").asText());
        fixtures.put("{customer}", catalogue.newCustomerId(KEY, "fixture"));
    }

    private String resolve(String template) {
        String text = template;
        for (Map.Entry<String, String> fixture : fixtures.entrySet()) {
            text = text.replace(fixture.getKey(), fixture.getValue());
        }
        return text;
    }

    /** Returns every list's ids and every fixture's stored form, to compare before and after. */
    private Map<String, Object> storedState() {
        Catalogue catalogue = new Catalogue(server);
        Map<String, Object> state = new LinkedHashMap<>();
        LISTS.forEach((path, idField) -> state.put(path, catalogue.allIds(KEY, path, idField)));
        state.put("meter", server.get(KEY, "/v1/meters/" + fixtures.get("{meter}")).json());
        state.put("plan", server.get(KEY, "/v1/plans/" + fixtures.get("{plan}")).json());
        state.put("customer",
                server.get(KEY, "/v1/customers/" + fixtures.get("{customer}")).json());
        return state;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void malformedRequestIsRejected(String name, Malformed request) {
        Map<String, Object> before = storedState();

        ApiResponse response = server.send(KEY, request.method(), resolve(request.path()),
                request.body() == null ? null : resolve(request.body()));

        assertError(response, request.status(), request.code(), request.param());
        assertThat(storedState()).as("stored data after %s", name).isEqualTo(before);
    }

    @Test
    void tableHasTwentyDistinctCases() {
        List<Arguments> rows = malformedRequests().toList();

        assertThat(rows).hasSizeGreaterThanOrEqualTo(20);
        assertThat(rows.stream().map(row -> row.get()[0])).doesNotHaveDuplicates();
    }

    @Test
    void lateBundleLeavesNoPlan() {
        String name = Catalogue.uniqueName("Never created");

        ApiResponse response = server.post(KEY, "/v1/plans", """
                {"name": "%s", "period_amount": "5.00", "billing_interval": "month",
                 "meter_ids": ["%s"],
                 "credit_bundles": [%s, {"name": "Bad", "cost": "1.00", "credit_amount": "x"}]}"""
                .formatted(name, fixtures.get("{meter}"), BUNDLE));

        assertError(response, 400, "invalid_value", "credit_bundles[1].credit_amount");
        assertThat(new Catalogue(server).allItems(KEY, "/v1/plans").stream()
                .map(plan -> plan.get("name").asText())).doesNotContain(name);
    }

    @Test
    void rejectedMeterDeleteKeepsLinks() {
        ApiResponse response = server.delete(KEY, "/v1/meters/" + fixtures.get("{meter}"));

        assertError(response, 409, "meter_in_use", null);
        JsonNode plan = server.get(KEY, "/v1/plans/" + fixtures.get("{plan}")).json();
        assertThat(plan.at("/linked_meters/0/meter_id").asText())
                .isEqualTo(fixtures.get("{meter}"));
    }
}
