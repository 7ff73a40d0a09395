package dev.tollgate.api;

import dev.tollgate.accounts.SecretKey;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.storage.Timestamps;
import io.helidon.webserver.http.HttpRouting;

/** {@code /v1/secret_keys}: list, create and revoke the caller's environment's keys. */
final class SecretKeyRoutes {
    private final SecretKeys secretKeys;
    private final Endpoints endpoints;

    SecretKeyRoutes(SecretKeys secretKeys, Endpoints endpoints) {
        this.secretKeys = secretKeys;
        this.endpoints = endpoints;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/v1/secret_keys", endpoints.authenticated(call -> Reply.ok(ListBody.of(
                        secretKeys.list(call.caller(), call.page()).map(KeyView::of)))))
                .post("/v1/secret_keys", endpoints.authenticated(call -> {
                    String name = call.body().requiredText("name", 200);
                    SecretKeys.CreatedKey created = secretKeys.create(call.caller(), name);
                    return Reply.created(CreatedKeyView.of(created));
                }))
                .delete("/v1/secret_keys/{id}", endpoints.authenticated(call -> {
                    String id = call.pathParam("id");
                    secretKeys.delete(call.caller(), id);
                    return Reply.ok(new DeletedBody(id, true));
                }));
    }

    /** A key as listed: a 4-character hint, never the key. */
    record KeyView(String secretKeyId, String name, String secretKeyHint, String createdAt) {
        static KeyView of(SecretKey key) {
            return new KeyView(key.id(), key.name(), key.hint(), Timestamps.format(key.createdAt()));
        }
    }

    /** A key as returned once at creation, with the key itself. */
    record CreatedKeyView(String secretKeyId, String name, String secretKeyHint, String createdAt,
            String secretKey) {
        static CreatedKeyView of(SecretKeys.CreatedKey created) {
            SecretKey key = created.key();
            return new CreatedKeyView(key.id(), key.name(), key.hint(),
                    Timestamps.format(key.createdAt()), created.secret());
        }
    }
}
