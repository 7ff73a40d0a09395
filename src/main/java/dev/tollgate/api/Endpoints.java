package dev.tollgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.billing.ledger.BalanceLimitException;
import dev.tollgate.billing.ledger.Ledger;
import dev.tollgate.core.ApiError;
import dev.tollgate.core.Caller;
import dev.tollgate.core.Environment;
import dev.tollgate.core.Ids;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns API handlers into Helidon handlers: authenticates the secret key, runs the handler,
 * writes its reply as JSON, and maps every failure to the JSON error body. Unexpected
 * exceptions are logged and get a generic 500 response that reveals nothing.
 */
final class Endpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    /** The work of one authenticated endpoint. */
    @FunctionalInterface
    interface ApiHandler {
        Reply handle(Call call);
    }

    private static final io.helidon.http.HeaderName REQUEST_ID =
            io.helidon.http.HeaderNames.create("x-request-id");
    private static final Ids REQUEST_IDS = new Ids(java.time.Clock.systemUTC());

    private final SecretKeys secretKeys;

    Endpoints(SecretKeys secretKeys) {
        this.secretKeys = secretKeys;
    }

    /** Wraps a handler that needs a secret key. */
    Handler authenticated(ApiHandler handler) {
        return (request, response) -> respond(request, response, () -> {
            Caller caller = secretKeys.authenticate(bearerToken(request));
            return handler.handle(new Call(request, caller));
        });
    }

    /** Wraps a handler that needs no credentials. */
    static Handler open(java.util.function.Supplier<Reply> handler) {
        return (request, response) -> respond(request, response, handler::get);
    }

    /** Wraps a handler that needs no credentials but reads the request, such as its body. */
    static Handler openRequest(java.util.function.Function<ServerRequest, Reply> handler) {
        return (request, response) -> respond(request, response, () -> handler.apply(request));
    }

    private static String bearerToken(ServerRequest request) {
        Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty()) {
            throw ApiError.unauthenticated("Missing Authorization header. Send "
                    + "'Authorization: Bearer <secret key>'.");
        }
        String value = header.get().strip();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiError.unauthenticated("Authorization header must use the Bearer scheme: "
                    + "'Authorization: Bearer <secret key>'.");
        }
        return value.substring(7).strip();
    }

    private static void respond(ServerRequest request, ServerResponse response,
            java.util.function.Supplier<Reply> work) {
        Reply reply;
        try {
            reply = work.get();
        } catch (ApiError e) {
            reply = new Reply(e.status(), errorBody(e));
        } catch (BalanceLimitException e) {
            // Routes that can meet the limit on purpose map it themselves; elsewhere, such as a
            // grant or bundle purchase, nothing was stored and the request can be retried later.
            LOG.warn("Ledger write rejected at the balance limit method={} path={} customerId={}",
                    request.prologue().method().text(), redactSecrets(request.path().path()),
                    e.customerId());
            ApiError error = ApiError.conflict("balance_limit", null, "The " + e.bucket().code()
                    + " credit balance of customer '" + e.customerId() + "' would pass ±"
                    + Ledger.MAX_BALANCE.toDisplay() + " dollars, the limit Tollgate stores."
                    + " Nothing was changed; spend or remove credit first.");
            reply = new Reply(error.status(), errorBody(error));
        } catch (RuntimeException e) {
            if (isClientDisconnect(e)) {
                // A client fault, not the server's: one line without a stack trace.
                LOG.info("Client closed the connection before sending the whole request body"
                        + " method={} path={}", request.prologue().method().text(),
                        redactSecrets(request.path().path()));
                send(response, new Reply(400, errorBody("invalid_request_error",
                        "incomplete_body", null, "The request body ended before the length in"
                                + " its Content-Length header. Send the whole body.")));
                return;
            }
            LOG.error("Request failed method={} path={}", request.prologue().method().text(),
                    redactSecrets(request.path().path()), e);
            reply = new Reply(500, errorBody("api_error", "internal_error", null,
                    "The server failed to handle this request. It was logged; retry later."));
        }
        send(response, reply);
    }

    /** Returns whether {@code error} comes from the client's connection ending mid-request. */
    private static boolean isClientDisconnect(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }

    /** Hides checkout session secrets, which the checkout page's paths contain. */
    static String redactSecrets(String path) {
        return path.replaceAll("css_[0-9A-Za-z]+", "css_(redacted)");
    }

    static void send(ServerResponse response, Reply reply) {
        response.status(reply.status());
        if (!response.headers().contains(REQUEST_ID)) {
            response.header(REQUEST_ID, REQUEST_IDS.next("req", Environment.LIVE));
        }
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        response.send(Json.write(reply.body()));
    }

    static ObjectNode errorBody(ApiError error) {
        return errorBody(error.type(), error.code(), error.param().orElse(null), error.getMessage());
    }

    static ObjectNode errorBody(String type, String code, String param, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("type", type);
        error.put("code", code);
        error.put("message", message);
        error.put("param", param);
        return body;
    }
}
