package dev.tollgate.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays a server-sent event stream event by event as it arrives, flushing after each read, so
 * nothing is buffered beyond one incomplete event. Every event is shown to the usage reader.
 * Terminal events ({@code data: [DONE]}, Anthropic's {@code message_stop}) are held back until
 * {@code beforeEnd} ran, so that a client that saw the whole stream finds its usage recorded.
 * Blocking writes give backpressure: a slow client slows the reads from the provider. Not
 * thread-safe; one per stream.
 */
final class StreamRelay {
    private static final int READ_BUFFER_BYTES = 16 * 1024;

    /** Thrown when the client went away; the relay stops reading from the provider. */
    static final class ClientGone extends RuntimeException {
        ClientGone(Throwable cause) {
            super("client disconnected", cause, false, false);
        }
    }

    private final UsageReader reader;
    private final boolean dropUsageOnlyChunks;
    private final SseSplitter splitter = new SseSplitter();
    private final List<byte[]> heldBack = new ArrayList<>();
    private OutputStream out;
    private boolean upstreamFailed;

    StreamRelay(UsageReader reader, boolean dropUsageOnlyChunks) {
        this.reader = reader;
        this.dropUsageOnlyChunks = dropUsageOnlyChunks;
    }

    /**
     * Copies {@code upstream} to {@code client}; runs {@code beforeEnd} once the upstream ended,
     * then writes the held-back events and closes the client stream.
     *
     * @throws ClientGone when writing to the client failed; {@code beforeEnd} has not run then
     */
    void relay(InputStream upstream, OutputStream client, Runnable beforeEnd) {
        this.out = client;
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        try (upstream) {
            int read;
            while ((read = upstream.read(buffer)) != -1) {
                splitter.feed(buffer, 0, read).forEach(this::accept);
                flush();
            }
            splitter.finish().forEach(this::accept);
        } catch (IOException e) {
            upstreamFailed = true;
        }
        end(beforeEnd);
    }

    /** Relays pre-split events, such as the simulator's, the same way. */
    void relay(List<byte[]> events, OutputStream client, Runnable beforeEnd) {
        this.out = client;
        for (byte[] event : events) {
            splitter.feed(event, 0, event.length).forEach(this::accept);
            flush();
        }
        splitter.finish().forEach(this::accept);
        end(beforeEnd);
    }

    private void end(Runnable beforeEnd) {
        beforeEnd.run();
        try {
            for (byte[] event : heldBack) {
                out.write(event);
            }
            out.flush();
            out.close();
        } catch (IOException | RuntimeException e) {
            throw new ClientGone(e);
        }
    }

    /** Whether the provider's stream broke off before its end. */
    boolean upstreamFailed() {
        return upstreamFailed;
    }

    private void accept(SseEvent event) {
        reader.acceptEvent(event);
        if (dropUsageOnlyChunks && reader.isUsageOnlyChunk(event)) {
            return;
        }
        if (isTerminal(event)) {
            heldBack.add(event.raw());
            return;
        }
        write(event.raw());
    }

    private static boolean isTerminal(SseEvent event) {
        String data = event.data();
        return "[DONE]".equals(data == null ? null : data.strip())
                || "message_stop".equals(event.event());
    }

    private void write(byte[] bytes) {
        try {
            out.write(bytes);
        } catch (IOException | RuntimeException e) {
            throw new ClientGone(e);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException | RuntimeException e) {
            throw new ClientGone(e);
        }
    }
}
