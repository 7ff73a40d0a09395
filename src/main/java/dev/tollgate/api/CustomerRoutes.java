package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Patch;
import dev.tollgate.customers.Customer;
import dev.tollgate.customers.Customers;
import dev.tollgate.customers.PhoneNumbers;
import dev.tollgate.storage.Timestamps;
import io.helidon.webserver.http.HttpRouting;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code /v1/customers}: create (idempotent on reference_id), list, retrieve, update, delete. */
final class CustomerRoutes {
    private static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_REFERENCE_LENGTH = 255;
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_METADATA_KEYS = 50;
    private static final int MAX_METADATA_BYTES = 8192;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Customers customers;
    private final Endpoints endpoints;

    CustomerRoutes(Customers customers, Endpoints endpoints) {
        this.customers = customers;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/v1/customers", endpoints.authenticated(this::create))
                .get("/v1/customers", endpoints.authenticated(call -> Reply.ok(ListBody.of(
                        customers.list(call.caller(), call.page()).map(CustomerView::of)))))
                .get("/v1/customers/{id}", endpoints.authenticated(call ->
                        Reply.ok(CustomerView.of(customers.get(call.caller(), call.pathParam("id"))))))
                .patch("/v1/customers/{id}", endpoints.authenticated(this::update))
                .delete("/v1/customers/{id}", endpoints.authenticated(call -> {
                    customers.delete(call.caller(), call.pathParam("id"));
                    return Reply.ok(SuccessBody.TRUE);
                }));
    }

    private Reply create(Call call) {
        JsonBody body = call.body();
        Patch<String[]> name = readName(body);
        Customers.NewCustomer request = new Customers.NewCustomer(
                checkReference(body.optionalText("reference_id", MAX_REFERENCE_LENGTH).orElse(null)),
                Optional.ofNullable(readEmail(body).value()),
                Optional.ofNullable(readPhone(body).value()),
                Optional.ofNullable(name.value()).map(parts -> parts[0]),
                Optional.ofNullable(name.value()).map(parts -> parts[1]),
                Optional.ofNullable(readMetadata(body).value()));
        Customers.CreateResult result = customers.create(call.caller(), request);
        CustomerView view = CustomerView.of(result.customer());
        return result.created() ? Reply.created(view) : Reply.ok(view);
    }

    private Reply update(Call call) {
        JsonBody body = call.body();
        Customers.CustomerChanges changes = new Customers.CustomerChanges(
                checkReference(body.patchText("reference_id", MAX_REFERENCE_LENGTH)),
                readEmail(body),
                readPhone(body),
                readName(body),
                readMetadata(body));
        return Reply.ok(CustomerView.of(customers.update(call.caller(), call.pathParam("id"), changes)));
    }

    /**
     * Refuses a reference_id with a slash: customers are also retrieved by reference_id in the
     * path, where a slash would split it into two segments and the customer could never be found.
     */
    private static Optional<String> checkReference(String referenceId) {
        if (referenceId != null && referenceId.indexOf('/') >= 0) {
            throw ApiError.invalid("reference_id", "Invalid reference_id '" + referenceId
                    + "': it may not contain '/', because customers are retrieved by reference_id"
                    + " in the URL path. Use another separator, such as ':' or '-'.");
        }
        return Optional.ofNullable(referenceId);
    }

    private static Patch<String> checkReference(Patch<String> referenceId) {
        checkReference(referenceId.value());
        return referenceId;
    }

    private static Patch<String> readEmail(JsonBody body) {
        Patch<String> email = body.patchText("email", MAX_EMAIL_LENGTH);
        if (email.value() != null && !EMAIL.matcher(email.value()).matches()) {
            throw ApiError.invalid("email", "Invalid email '" + email.value()
                    + "'. Give an address such as ada@example.com.");
        }
        return email;
    }

    private static Patch<String> readPhone(JsonBody body) {
        Patch<String> phone = body.patchText("phone", 40);
        if (phone.value() == null) {
            return phone;
        }
        try {
            return Patch.of(PhoneNumbers.toE164(phone.value()));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("phone", "Invalid phone '" + phone.value() + "': it "
                    + e.getMessage() + ". Give an international number such as +12025550100.");
        }
    }

    /** Reads {@code name} and splits it into first name and the rest as last name. */
    private static Patch<String[]> readName(JsonBody body) {
        Patch<String> name = body.patchText("name", MAX_NAME_LENGTH);
        if (!name.isPresent() || name.value() == null) {
            return name.isPresent() ? Patch.of(null) : Patch.absent();
        }
        String[] parts = name.value().split("\\s+", 2);
        return Patch.of(new String[] {parts[0], parts.length > 1 ? parts[1] : null});
    }

    private static Patch<String> readMetadata(JsonBody body) {
        return body.patchObjectJson("metadata", MAX_METADATA_KEYS, MAX_METADATA_BYTES);
    }

    /** The wire form of a customer. */
    record CustomerView(String customerId, String referenceId, ContactView contact,
            SubscriptionView subscription, JsonNode metadata, String createdAt) {
        static CustomerView of(Customer customer) {
            return new CustomerView(customer.id(), customer.referenceId(),
                    new ContactView(customer.phone(), customer.email(), customer.firstName(),
                            customer.lastName()),
                    customer.subscription()
                            .map(s -> new SubscriptionView(s.subscriptionId(), s.planId(),
                                    s.planName(), s.status()))
                            .orElse(null),
                    customer.metadataJson() == null ? null : Json.parseStored(customer.metadataJson()),
                    Timestamps.format(customer.createdAt()));
        }
    }

    record ContactView(String phone, String email, String firstName, String lastName) {
    }

    record SubscriptionView(String subscriptionId, String planId, String name, String status) {
    }
}
