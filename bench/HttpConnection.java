import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 client connection that sends a prebuilt request and reads the whole
 * response, with Content-Length or chunked framing. It records when the response's first byte,
 * first body byte and last byte arrived, so one class serves plain and streamed requests.
 * Not thread-safe: each load generator thread owns its connections.
 */
final class HttpConnection implements Closeable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final byte[] DONE_MARKER = "[DONE]".getBytes();

    /** Arrival times of one response, in {@link System#nanoTime()} units. */
    static final class Timing {
        int status;
        long firstByteNanos;
        long firstBodyByteNanos;
        long endNanos;
        /** Whether the body contained {@code [DONE]}, the end of an OpenAI event stream. */
        boolean sawDone;
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private long lastFillNanos;
    private boolean closeAfterResponse;
    private int doneMatched;

    HttpConnection(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Returns whether the last response carried {@code Connection: close}. */
    boolean closeRequested() {
        return closeAfterResponse;
    }

    /**
     * Sends {@code request} (a complete HTTP/1.1 request, head and body) and reads the response.
     *
     * @throws IOException when the connection fails or the response is malformed
     */
    void exchange(byte[] request, Timing timing) throws IOException {
        out.write(request);
        out.flush();
        timing.firstBodyByteNanos = 0;
        timing.sawDone = false;
        doneMatched = 0;
        closeAfterResponse = false;

        if (position == limit) {
            fill();
        }
        timing.firstByteNanos = lastFillNanos;
        timing.status = parseStatus(readLine());
        long contentLength = -1;
        boolean chunked = false;
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase().contains("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                closeAfterResponse = value.equalsIgnoreCase("close");
            }
        }
        if (chunked) {
            readChunkedBody(timing);
        } else if (contentLength >= 0) {
            readBody(contentLength, timing);
        } else {
            throw new IOException("response has neither Content-Length nor chunked encoding");
        }
        timing.endNanos = System.nanoTime();
    }

    private void readChunkedBody(Timing timing) throws IOException {
        while (true) {
            String sizeLine = readLine();
            int extension = sizeLine.indexOf(';');
            long size = Long.parseLong(
                    (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim(), 16);
            if (size == 0) {
                // Skip optional trailers up to the empty line that ends the message.
                while (!readLine().isEmpty()) {
                    // trailer field, ignored
                }
                return;
            }
            readBody(size, timing);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk data is not followed by CRLF");
            }
        }
    }

    private void readBody(long length, Timing timing) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            if (position == limit) {
                fill();
            }
            if (timing.firstBodyByteNanos == 0) {
                timing.firstBodyByteNanos = lastFillNanos;
            }
            int take = (int) Math.min(remaining, limit - position);
            scanForDone(take, timing);
            position += take;
            remaining -= take;
        }
    }

    private void scanForDone(int length, Timing timing) {
        if (timing.sawDone) {
            return;
        }
        for (int i = position; i < position + length; i++) {
            if (buffer[i] == DONE_MARKER[doneMatched]) {
                doneMatched++;
                if (doneMatched == DONE_MARKER.length) {
                    timing.sawDone = true;
                    return;
                }
            } else {
                doneMatched = buffer[i] == DONE_MARKER[0] ? 1 : 0;
            }
        }
    }

    private static int parseStatus(String statusLine) throws IOException {
        // "HTTP/1.1 200 OK"
        int space = statusLine.indexOf(' ');
        if (!statusLine.startsWith("HTTP/1.") || space < 0 || statusLine.length() < space + 4) {
            throw new IOException("malformed status line: " + statusLine);
        }
        return Integer.parseInt(statusLine.substring(space + 1, space + 4));
    }

    /** Reads one CRLF-terminated line, without the terminator. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            if (position == limit) {
                fill();
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xff));
        }
    }

    private void fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            throw new EOFException("server closed the connection");
        }
        lastFillNanos = System.nanoTime();
        position = 0;
        limit = read;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // The connection is discarded either way.
        }
    }
}
