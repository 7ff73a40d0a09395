package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The client's output stream, shared by the SDK's transport and {@link StdioMessageFilter}. Each
 * writer's bytes are held until a '\n' and then written as one line under a lock, so two
 * messages never interleave. The SDK writes a message and its newline in separate calls. It
 * also tracks the requests passed to the SDK that have no reply yet, so that the server can
 * wait for their replies after the client closed its input.
 */
final class StdioOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream out;
    private final Set<String> unanswered = new HashSet<>();

    StdioOutput(OutputStream out) {
        this.out = out;
    }

    /** Writes {@code json} and a newline as one line, and flushes. */
    void writeLine(String json) throws IOException {
        writeWhole((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Records that the request with this id was passed to the SDK and awaits its reply. */
    synchronized void expectReply(JsonNode id) {
        unanswered.add(id.toString());
    }

    /**
     * Waits until every request passed to the SDK has its reply written, or {@code timeout}
     * passed.
     *
     * @return whether every reply was written
     */
    synchronized boolean awaitReplies(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!unanswered.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Returns a stream for one writer that writes each complete line at once. */
    OutputStream lineStream() {
        return new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] bytes, int offset, int length)
                    throws IOException {
                for (int i = offset; i < offset + length; i++) {
                    pending.write(bytes[i]);
                    if (bytes[i] == '\n') {
                        byte[] line = pending.toByteArray();
                        pending.reset();
                        writeWhole(line);
                        answered(line);
                    }
                }
            }
        };
    }

    /** Marks the request that {@code line} replies to, if it is a reply, as replied to. */
    private synchronized void answered(byte[] line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (IOException e) {
            return;
        }
        if (message != null && message.has("id") && !message.has("method")
                && unanswered.remove(message.get("id").toString())) {
            notifyAll();
        }
    }

    private synchronized void writeWhole(byte[] line) throws IOException {
        out.write(line);
        out.flush();
    }
}
