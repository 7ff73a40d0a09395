package dev.tollgate.customers;

import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Ids;
import dev.tollgate.core.Patch;
import dev.tollgate.storage.Page;
import dev.tollgate.storage.PageRequest;
import dev.tollgate.storage.Sql;
import dev.tollgate.storage.Timestamps;
import dev.tollgate.subscriptions.Subscriptions;
import dev.tollgate.webhooks.Events;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Customers of one merchant and environment. Creation is idempotent on {@code reference_id}
 * and places the customer on the Free plan. Thread-safe.
 */
public final class Customers {
    private static final String COLUMNS = "id, reference_id, phone, email, first_name, last_name,"
            + " metadata, created_at";

    private final Jdbi jdbi;
    private final Ids ids;
    private final Clock clock;
    private final Subscriptions subscriptions;

    public Customers(Jdbi jdbi, Ids ids, Clock clock, Subscriptions subscriptions) {
        this.jdbi = jdbi;
        this.ids = ids;
        this.clock = clock;
        this.subscriptions = subscriptions;
    }

    /** A customer to create. {@code phone} is already in E.164 form. */
    public record NewCustomer(Optional<String> referenceId, Optional<String> email,
            Optional<String> phone, Optional<String> firstName, Optional<String> lastName,
            Optional<String> metadataJson) {
    }

    /** A customer update; each present field replaces the stored value, null clears it. */
    public record CustomerChanges(Patch<String> referenceId, Patch<String> email,
            Patch<String> phone, Patch<String[]> name, Patch<String> metadataJson) {
    }

    /** The outcome of a create: the customer, and whether this call created it. */
    public record CreateResult(Customer customer, boolean created) {
    }

    /**
     * Creates a customer on the Free plan, or returns the live customer that already has the
     * same {@code reference_id} unchanged.
     */
    public CreateResult create(Caller caller, NewCustomer request) {
        try {
            return jdbi.inTransaction(handle -> createIn(handle, caller, request));
        } catch (RuntimeException e) {
            // A concurrent create with the same reference_id won the unique index.
            if (Sql.isUniqueViolation(e) && request.referenceId().isPresent()) {
                return jdbi.withHandle(handle -> findByReference(handle, caller,
                                request.referenceId().get()))
                        .map(existing -> new CreateResult(existing, false))
                        .orElseThrow(() -> e);
            }
            throw e;
        }
    }

    /** Creates a customer inside the caller's transaction, like {@link #create}. */
    public CreateResult createIn(Handle handle, Caller caller, NewCustomer request) {
        if (request.referenceId().isPresent()) {
            Optional<Customer> existing = findByReference(handle, caller, request.referenceId().get());
            if (existing.isPresent()) {
                return new CreateResult(existing.get(), false);
            }
        }
        Instant now = clock.instant();
        String customerId = ids.next("con", caller.environment());
        handle.createUpdate("""
                        INSERT INTO customers (id, merchant_id, environment, reference_id, phone, email,
                            first_name, last_name, metadata, created_at)
                        VALUES (:id, :merchant, :environment, :reference, :phone, :email, :first,
                            :last, :metadata, :created)""")
                .bind("id", customerId)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("reference", request.referenceId().orElse(null))
                .bind("phone", request.phone().orElse(null))
                .bind("email", request.email().orElse(null))
                .bind("first", request.firstName().orElse(null))
                .bind("last", request.lastName().orElse(null))
                .bind("metadata", request.metadataJson().orElse(null))
                .bind("created", Timestamps.format(now))
                .execute();
        subscriptions.startOnFreePlan(handle, caller, customerId);
        Customer created = find(handle, caller, customerId).orElseThrow();
        Events.in(handle).customerCreated(caller, created);
        return new CreateResult(created, true);
    }

    public Page<Customer> list(Caller caller, PageRequest page) {
        List<Customer> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS
                        + " FROM customers WHERE merchant_id = :merchant"
                        + " AND environment = :environment AND deleted_at IS NULL"
                        + " AND id < :cursor ORDER BY id DESC LIMIT :limit")
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .bind("cursor", page.cursorBound())
                .bind("limit", page.limit() + 1)
                .map((rs, ctx) -> read(rs))
                .list()
                .stream()
                .map(customer -> withSubscription(handle, customer))
                .toList());
        return Page.fromOverfetch(rows, page.limit(), Customer::id);
    }

    /**
     * Returns the caller's customer with this id or, failing that, this {@code reference_id}.
     *
     * @throws ApiError 404 when neither matches a live customer
     */
    public Customer get(Caller caller, String idOrReference) {
        return jdbi.withHandle(handle -> resolve(handle, caller, idOrReference))
                .orElseThrow(() -> ApiError.notFound("customer", idOrReference));
    }

    /** Returns the caller's live customer with this id or reference_id, inside a transaction. */
    public static Optional<Customer> resolve(Handle handle, Caller caller, String idOrReference) {
        Optional<Customer> byId = find(handle, caller, idOrReference);
        return byId.isPresent() ? byId : findByReference(handle, caller, idOrReference);
    }

    /**
     * Returns the id of the caller's customer whose id or reference_id is {@code idOrReference},
     * looked up as {@link #resolve} does but without loading the customer's other fields.
     */
    public static Optional<String> resolveId(Handle handle, Caller caller, String idOrReference) {
        Optional<String> byId = idWhere(handle, caller, "id = :key", idOrReference);
        return byId.isPresent() ? byId : idWhere(handle, caller, "reference_id = :key",
                idOrReference);
    }

    private static Optional<String> idWhere(Handle handle, Caller caller, String condition,
            String key) {
        return handle.createQuery("SELECT id FROM customers WHERE " + condition
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL")
                .bind("key", key)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .mapTo(String.class)
                .findOne();
    }

    /**
     * Applies {@code changes} to a customer.
     *
     * @throws ApiError 404 for an unknown customer, 409 when the new reference_id is taken
     */
    public Customer update(Caller caller, String idOrReference, CustomerChanges changes) {
        try {
            return jdbi.inTransaction(handle -> {
                Customer current = resolve(handle, caller, idOrReference)
                        .orElseThrow(() -> ApiError.notFound("customer", idOrReference));
                String[] name = changes.name().orElse(
                        new String[] {current.firstName(), current.lastName()});
                handle.createUpdate("""
                                UPDATE customers SET reference_id = :reference, phone = :phone,
                                    email = :email, first_name = :first, last_name = :last,
                                    metadata = :metadata
                                WHERE id = :id""")
                        .bind("reference", changes.referenceId().orElse(current.referenceId()))
                        .bind("phone", changes.phone().orElse(current.phone()))
                        .bind("email", changes.email().orElse(current.email()))
                        .bind("first", name == null ? null : name[0])
                        .bind("last", name == null ? null : name[1])
                        .bind("metadata", changes.metadataJson().orElse(current.metadataJson()))
                        .bind("id", current.id())
                        .execute();
                return find(handle, caller, current.id()).orElseThrow();
            });
        } catch (RuntimeException e) {
            if (Sql.isUniqueViolation(e)) {
                throw ApiError.conflict("reference_id_taken", "reference_id", "Another customer"
                        + " already has reference_id '" + changes.referenceId().value()
                        + "'. Use a different reference_id.");
            }
            throw e;
        }
    }

    /**
     * Deletes a customer: its subscription ends at once, its history stays, and its
     * {@code reference_id} becomes free for a new customer.
     *
     * @throws ApiError 404 for an unknown customer
     */
    public void delete(Caller caller, String idOrReference) {
        jdbi.useTransaction(handle -> {
            Customer customer = resolve(handle, caller, idOrReference)
                    .orElseThrow(() -> ApiError.notFound("customer", idOrReference));
            Instant now = clock.instant();
            subscriptions.cancelNow(handle, caller, customer.id());
            handle.createUpdate("""
                            UPDATE customers SET deleted_at = :now, deleted_reference_id = reference_id,
                                reference_id = NULL
                            WHERE id = :id""")
                    .bind("now", Timestamps.format(now))
                    .bind("id", customer.id())
                    .execute();
            Events.in(handle).customerDeleted(caller, customer);
        });
    }

    private static Optional<Customer> find(Handle handle, Caller caller, String customerId) {
        return findWhere(handle, caller, "id = :key", customerId);
    }

    /** Returns a customer of the caller by id, deleted or not, for history views. */
    public static Optional<Customer> byIdIncludingDeleted(Handle handle, Caller caller, String id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM customers WHERE id = :id"
                        + " AND merchant_id = :merchant AND environment = :environment")
                .bind("id", id)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne();
    }

    /** Returns the caller's live customer with this E.164 phone number, the oldest if several. */
    public static Optional<Customer> findByPhone(Handle handle, Caller caller, String phone) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM customers WHERE phone = :phone"
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL ORDER BY id LIMIT 1")
                .bind("phone", phone)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne()
                .map(customer -> withSubscription(handle, customer));
    }

    private static Optional<Customer> findByReference(Handle handle, Caller caller,
            String referenceId) {
        return findWhere(handle, caller, "reference_id = :key", referenceId);
    }

    private static Optional<Customer> findWhere(Handle handle, Caller caller, String condition,
            String key) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM customers WHERE " + condition
                        + " AND merchant_id = :merchant AND environment = :environment"
                        + " AND deleted_at IS NULL")
                .bind("key", key)
                .bind("merchant", caller.merchantId())
                .bind("environment", caller.environment().code())
                .map((rs, ctx) -> read(rs))
                .findOne()
                .map(customer -> withSubscription(handle, customer));
    }

    private static Customer withSubscription(Handle handle, Customer customer) {
        return new Customer(customer.id(), customer.referenceId(), customer.phone(),
                customer.email(), customer.firstName(), customer.lastName(),
                customer.metadataJson(), Subscriptions.summaryOf(handle, customer.id()),
                customer.createdAt());
    }

    private static Customer read(ResultSet rs) throws SQLException {
        return new Customer(
                rs.getString("id"),
                rs.getString("reference_id"),
                rs.getString("phone"),
                rs.getString("email"),
                rs.getString("first_name"),
                rs.getString("last_name"),
                rs.getString("metadata"),
                Optional.empty(),
                Timestamps.parse(rs.getString("created_at")));
    }
}
