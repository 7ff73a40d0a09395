package dev.tollgate.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The client's output stream, shared by the SDK's transport and {@link StdioMessageFilter}. Each
 * writer's bytes are held until a '\n' and then written as one line under a lock, so two
 * messages never interleave. The SDK writes a message and its newline in separate calls.
 */
final class StdioOutput {
    private final OutputStream out;

    StdioOutput(OutputStream out) {
        this.out = out;
    }

    /** Writes {@code json} and a newline as one line, and flushes. */
    void writeLine(String json) throws IOException {
        writeWhole((json + "\n").getBytes(StandardCharsets.UTF_8));
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
                        writeWhole(pending.toByteArray());
                        pending.reset();
                    }
                }
            }
        };
    }

    private synchronized void writeWhole(byte[] line) throws IOException {
        out.write(line);
        out.flush();
    }
}
