package dev.tollgate.api;

import dev.tollgate.core.ApiError;
import dev.tollgate.gateway.ClientSink;
import dev.tollgate.gateway.Forwarder;
import dev.tollgate.spendkeys.RequestShape;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metering gateway: {@code ANY /v1/forward?u=...}, and {@code POST /v1/chat/completions}
 * and {@code POST /v1/messages} for spend keys.
 */
final class ForwardRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardRoutes.class);

    private static final String PREFIX = "/v1/forward";

    private final Forwarder forwarder;

    ForwardRoutes(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    void register(HttpRouting.Builder routing) {
        routing.any("/v1/forward", this::handle)
                .any("/v1/forward/*", this::handle)
                .post("/v1/chat/completions", (request, response) ->
                        handleSpendKey(RequestShape.OPENAI, request, response))
                .post("/v1/messages", (request, response) ->
                        handleSpendKey(RequestShape.ANTHROPIC, request, response));
    }

    private void handle(ServerRequest request, ServerResponse response) {
        String path = request.path().rawPath();
        String suffix = path.length() > PREFIX.length() ? path.substring(PREFIX.length()) : "";
        respond(response, sink -> forwarder.forward(incoming(request, suffix), sink));
    }

    private void handleSpendKey(RequestShape shape, ServerRequest request,
            ServerResponse response) {
        respond(response, sink -> forwarder.forwardWithSpendKey(shape, incoming(request, ""),
                sink));
    }

    private static Forwarder.Incoming incoming(ServerRequest request, String suffix) {
        return new Forwarder.Incoming(request.prologue().method().text(), suffix,
                request.query().rawValue(), headers(request), request.content().inputStream());
    }

    private static void respond(ServerResponse response, Consumer<ClientSink> forward) {
        HelidonSink sink = new HelidonSink(response);
        try {
            forward.accept(sink);
        } catch (ApiError e) {
            if (!sink.started) {
                Endpoints.send(response, new Reply(e.status(), Endpoints.errorBody(e)));
            }
        } catch (RuntimeException e) {
            LOG.error("Forward request failed", e);
            if (!sink.started) {
                Endpoints.send(response, new Reply(500, Endpoints.errorBody(ApiError.upstream(500,
                        "internal_error", "The gateway failed to handle this request. It was logged."))));
            }
        }
    }

    private static Map<String, List<String>> headers(ServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : request.headers()) {
            headers.computeIfAbsent(header.name(), name -> new ArrayList<>()).addAll(header.allValues());
        }
        return headers;
    }

    /** Writes the gateway's response through Helidon. */
    private static final class HelidonSink implements ClientSink {
        private final ServerResponse response;
        private boolean started;

        HelidonSink(ServerResponse response) {
            this.response = response;
        }

        @Override
        public void header(String name, String value) {
            response.header(name, value);
        }

        @Override
        public void send(int status, Map<String, List<String>> headers, byte[] body) {
            started = true;
            response.status(status);
            headers.forEach((name, values) -> response.header(name, values.toArray(String[]::new)));
            response.send(body);
        }

        @Override
        public OutputStream stream(int status, Map<String, List<String>> headers) {
            started = true;
            response.status(status);
            headers.forEach((name, values) -> response.header(name, values.toArray(String[]::new)));
            response.header(HeaderNames.CACHE_CONTROL, "no-cache");
            return response.outputStream();
        }
    }
}
