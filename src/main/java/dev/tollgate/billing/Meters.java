package dev.tollgate.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.core.WireEnum;
import dev.tollgate.money.Rate;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Sql;
import dev.tollgate.storage.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Meters of one merchant and environment: create, list, read, update and delete. Slugs are
 * unique among a merchant's live meters in one environment. Thread-safe.
 */
public final class Meters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SLUG_LENGTH = 64;
    private static final int MAX_DERIVED_SLUG_ATTEMPTS = 1000;
    private static final String COLUMNS = "id, slug, name, rate_type, tier_type, tiers, created_at";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;

    public Meters(Jdbi jdbi, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
    }

    /** A meter to create; {@code slug} is derived from the name when empty. */
    public record NewMeter(String name, Optional<String> slug, RateType rateType, TierType tierType,
            List<Tier> tiers) {
    }

    /**
     * Creates a meter.
     *
     * @throws ApiError 400 for invalid tiers, 409 when the given slug is taken
     */
    public Meter create(Caller caller, NewMeter request) {
        Tiers.validate(request.tiers());
        try {
            return jdbi.inTransaction(handle -> {
                String slug = request.slug().isPresent()
                        ? requireFreeSlug(handle, caller, request.slug().get())
                        : derivedFreeSlug(handle, caller, request.name());
                Meter meter = new Meter(ids.next("prd", caller.environment()), slug,
                        request.name(), request.rateType(), request.tierType(),
                        List.copyOf(request.tiers()), clock.instant());
                insert(handle, caller, meter);
                return meter;
            });
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                throw slugTaken(request.slug().orElse(request.name()));
            }
            throw e;
        }
    }

    private static String requireFreeSlug(Handle handle, Caller caller, String slug) {
        if (slugExists(handle, caller, slug)) {
            throw slugTaken(slug);
        }
        return slug;
    }

    private static ApiError slugTaken(String slug) {
        return ApiError.conflict("slug_taken", "meter_slug", "Meter slug '" + slug
                + "' is already used by another meter. Choose another meter_slug.");
    }

    private static String derivedFreeSlug(Handle handle, Caller caller, String name) {
        String base = slugify(name);
        String candidate = base;
        for (int suffix = 2; slugExists(handle, caller, candidate); suffix++) {
            if (suffix > MAX_DERIVED_SLUG_ATTEMPTS) {
                throw slugTaken(base);
            }
            String tail = "-" + suffix;
            // Cutting the base to make room for the suffix can leave a '-' at its end.
            int headLength = Math.min(base.length(), MAX_SLUG_LENGTH - tail.length());
            String head = base.substring(0, headLength).replaceAll("-+$", "");
            candidate = head + tail;
        }
        return candidate;
    }

    /** Returns the slug derived from a meter name: lowercase words joined by '-'. */
    static String slugify(String name) {
        String slug = name.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.length() > MAX_SLUG_LENGTH) {
            slug = slug.substring(0, MAX_SLUG_LENGTH).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "meter" : slug;
    }

    private static boolean slugExists(Handle handle, Caller caller, String slug) {
        return handle.createQuery("SELECT COUNT(*) FROM meters WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND slug = :slug AND deleted_at IS NULL")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("slug", slug)
                .mapTo(Integer.class)
                .one() > 0;
    }

    private static void insert(Handle handle, Caller caller, Meter meter) {
        handle.createUpdate("""
                        INSERT INTO meters (id, merchant_id, environment, slug, name, rate_type,
                            tier_type, tiers, created_at)
                        VALUES (:id, :merchant, :environment, :slug, :name, :rateType, :tierType,
                            :tiers, :created)""")
                .bind("id", meter.id())
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("slug", meter.slug())
                .bind("name", meter.name())
                .bind("rateType", meter.rateType().code())
                .bind("tierType", meter.tierType().code())
                .bind("tiers", tiersToJson(meter.tiers()))
                .bind("created", Timestamps.format(meter.createdAt()))
                .execute();
    }

    public Page<Meter> list(Caller caller, PageRequest page) {
        List<Meter> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM meters WHERE merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL AND id < :cursor ORDER BY id DESC LIMIT :limit")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", page.cursorBound())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> read(rs))
                .list());
        return Page.fromOverfetch(rows, page.limit(), Meter::id);
    }

    /**
     * Returns a meter of the caller.
     *
     * @throws ApiError 404 when the caller has no such meter
     */
    public Meter get(Caller caller, String meterId) {
        return jdbi.withHandle(handle -> find(handle, caller, meterId))
                .orElseThrow(() -> ApiError.notFound("meter", meterId));
    }

    /** Returns a live meter of the caller inside an open transaction. */
    public static Optional<Meter> find(Handle handle, Caller caller, String meterId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM meters WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL")
                .bind("id", meterId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    /** Returns the caller's live meter with this slug inside an open transaction. */
    public static Optional<Meter> findBySlug(Handle handle, Caller caller, String slug) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM meters WHERE slug = :slug"
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL")
                .bind("slug", slug)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    /**
     * Changes a meter's name and tiers; an empty value leaves that field as it is.
     *
     * @throws ApiError 404 for an unknown meter, 400 for invalid tiers
     */
    public Meter update(Caller caller, String meterId, Optional<String> name,
            Optional<List<Tier>> tiers) {
        tiers.ifPresent(Tiers::validate);
        return jdbi.inTransaction(handle -> {
            Meter current = find(handle, caller, meterId)
                    .orElseThrow(() -> ApiError.notFound("meter", meterId));
            Meter updated = new Meter(current.id(), current.slug(), name.orElse(current.name()),
                    current.rateType(), current.tierType(), tiers.orElse(current.tiers()),
                    current.createdAt());
            handle.createUpdate("UPDATE meters SET name = :name, tiers = :tiers WHERE id = :id")
                    .bind("name", updated.name())
                    .bind("tiers", tiersToJson(updated.tiers()))
                    .bind("id", meterId)
                    .execute();
            return updated;
        });
    }

    /**
     * Deletes a meter. Its slug becomes free; past usage keeps referring to it.
     *
     * @throws ApiError 404 for an unknown meter, 409 while a plan links it
     */
    public void delete(Caller caller, String meterId) {
        jdbi.useTransaction(handle -> {
            find(handle, caller, meterId).orElseThrow(() -> ApiError.notFound("meter", meterId));
            List<String> plans = handle.createQuery("""
                            SELECT p.id FROM plan_meters pm JOIN plans p ON p.id = pm.plan_id
                            WHERE pm.meter_id = :meter AND p.deleted_at IS NULL ORDER BY p.id""")
                    .bind("meter", meterId)
                    .mapTo(String.class)
                    .list();
            if (!plans.isEmpty()) {
                throw ApiError.conflict("meter_in_use", null, "Meter '" + meterId
                        + "' is linked to plan(s) " + String.join(", ", plans)
                        + ". Remove it from their meter_ids first.");
            }
            handle.createUpdate("UPDATE meters SET deleted_at = :now WHERE id = :id")
                    .bind("now", Timestamps.format(clock.instant()))
                    .bind("id", meterId)
                    .execute();
        });
    }

    private static Meter read(ResultSet rs) throws SQLException {
        return new Meter(
                rs.getString("id"),
                rs.getString("slug"),
                rs.getString("name"),
                WireEnum.fromStored(RateType.class, rs.getString("rate_type")),
                WireEnum.fromStored(TierType.class, rs.getString("tier_type")),
                tiersFromJson(rs.getString("tiers")),
                Timestamps.parse(rs.getString("created_at")));
    }

    private static String tiersToJson(List<Tier> tiers) {
        ArrayNode array = JSON.createArrayNode();
        for (Tier tier : tiers) {
            array.addObject().put("start", tier.start()).put("rate", tier.rate().toWire());
        }
        return array.toString();
    }

    private static List<Tier> tiersFromJson(String json) {
        try {
            List<Tier> tiers = new ArrayList<>();
            for (JsonNode node : JSON.readTree(json)) {
                tiers.add(new Tier(node.get("start").asLong(), Rate.parse(node.get("rate").asText())));
            }
            return List.copyOf(tiers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tiers are not valid JSON: " + json, e);
        }
    }
}
