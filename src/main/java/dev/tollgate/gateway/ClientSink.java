package dev.tollgate.gateway;

import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** The client side of a gateway exchange, implemented by the HTTP layer. */
public interface ClientSink {
    /** Sets a response header before the response starts. */
    void header(String name, String value);

    /** Sends a complete response. */
    void send(int status, Map<String, List<String>> headers, byte[] body);

    /** Starts a streamed response and returns its body stream; each flush reaches the client. */
    OutputStream stream(int status, Map<String, List<String>> headers);
}
