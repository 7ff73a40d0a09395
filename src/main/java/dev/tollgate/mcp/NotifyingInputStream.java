package dev.tollgate.mcp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An input stream that runs a callback once when it reaches its end or is closed. */
final class NotifyingInputStream extends FilterInputStream {
    private final Runnable onEnd;
    private boolean ended;

    NotifyingInputStream(InputStream in, Runnable onEnd) {
        super(in);
        this.onEnd = onEnd;
    }

    @Override
    public int read() throws IOException {
        return ended(super.read());
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return ended(super.read(buffer, offset, length));
    }

    @Override
    public void close() throws IOException {
        end();
        super.close();
    }

    private int ended(int result) {
        if (result < 0) {
            end();
        }
        return result;
    }

    private synchronized void end() {
        if (!ended) {
            ended = true;
            onEnd.run();
        }
    }
}
