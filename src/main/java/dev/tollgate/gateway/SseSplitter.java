package dev.tollgate.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Frames a {@code text/event-stream} body into {@link SseEvent}s as its bytes arrive, in reads
 * of any size. Lines may end in {@code \n}, {@code \r\n} or {@code \r}, and a read may end
 * anywhere: inside a line, inside a multi-byte UTF-8 character or between {@code \r} and
 * {@code \n}. Every input byte ends up in exactly one event's {@code raw}, in order.
 *
 * <p>An event whose blank line ends in a lone {@code \r} is returned only once the next byte
 * shows whether a {@code \n} belongs to it, or by {@link #finish()}, so a stream whose lines end
 * in a lone {@code \r} gets each event one read late.
 *
 * <p>Memory is bounded by {@link #MAX_EVENT_BYTES}. An event larger than that is returned in
 * pieces of at most {@code MAX_EVENT_BYTES} raw bytes each, with {@code event} and {@code data}
 * null: its bytes still pass through, but its fields are not parsed.
 *
 * <p>Not thread-safe: use one splitter per stream.
 */
public final class SseSplitter {
    /** Maximum raw size of one event that is parsed into fields: 4 MiB. */
    public static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private static final int INITIAL_CAPACITY_BYTES = 8 * 1024;
    private static final int MAX_KEPT_CAPACITY_BYTES = 64 * 1024;
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final SseFields fields = new SseFields();
    private byte[] pending = new byte[INITIAL_CAPACITY_BYTES];
    private int pendingBytes;
    private int lineStart;
    private int lineBytes;
    private boolean afterCr;
    private boolean blankLineAfterCr;
    private boolean oversized;
    private boolean atStreamStart = true;

    /**
     * Reads {@code length} bytes of {@code buffer} from {@code offset} and returns the events
     * they complete in stream order, or an empty list when they complete none. The bytes are
     * copied, so the caller may reuse {@code buffer} afterwards.
     *
     * @throws IndexOutOfBoundsException when the range lies outside {@code buffer}
     */
    public List<SseEvent> feed(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        List<SseEvent> completed = new ArrayList<>(2);
        for (int i = offset; i < offset + length; i++) {
            accept(buffer[i], completed);
        }
        return completed;
    }

    /**
     * Ends the stream and returns what is left: the last event when the stream did not end with
     * a blank line, or nothing. The splitter is then empty and may read a new stream.
     */
    public List<SseEvent> finish() {
        List<SseEvent> completed = new ArrayList<>(1);
        if (lineBytes > 0 && !oversized) {
            fields.acceptLine(decodeLine());
        }
        if (pendingBytes > 0) {
            dispatch(completed);
        }
        afterCr = false;
        atStreamStart = true;
        return completed;
    }

    private void accept(byte b, List<SseEvent> completed) {
        if (afterCr) {
            afterCr = false;
            if (b == LF) {
                append(b, completed);
                lineStart = pendingBytes;
                if (blankLineAfterCr) {
                    dispatch(completed);
                }
                return;
            }
            if (blankLineAfterCr) {
                dispatch(completed);
            }
        }
        append(b, completed);
        if (b == LF || b == CR) {
            endLine(b == CR, completed);
        } else {
            lineBytes++;
        }
    }

    private void endLine(boolean endedByCr, List<SseEvent> completed) {
        afterCr = endedByCr;
        if (lineBytes == 0) {
            atStreamStart = false;
            if (endedByCr) {
                blankLineAfterCr = true;
            } else {
                dispatch(completed);
            }
            return;
        }
        if (!oversized) {
            fields.acceptLine(decodeLine());
        }
        atStreamStart = false;
        lineBytes = 0;
        lineStart = pendingBytes;
    }

    private String decodeLine() {
        int start = lineStart;
        int length = lineBytes;
        // The event-stream format lets a stream start with a UTF-8 byte order mark.
        if (atStreamStart && startsWithByteOrderMark(start, length)) {
            start += 3;
            length -= 3;
        }
        return new String(pending, start, length, StandardCharsets.UTF_8);
    }

    private boolean startsWithByteOrderMark(int start, int length) {
        return length >= 3
                && pending[start] == (byte) 0xEF
                && pending[start + 1] == (byte) 0xBB
                && pending[start + 2] == (byte) 0xBF;
    }

    private void append(byte b, List<SseEvent> completed) {
        if (pendingBytes == MAX_EVENT_BYTES) {
            completed.add(new SseEvent(Arrays.copyOf(pending, pendingBytes), null, null, false));
            fields.reset();
            oversized = true;
            pendingBytes = 0;
            lineStart = 0;
        }
        if (pendingBytes == pending.length) {
            pending = Arrays.copyOf(pending, Math.min(pending.length * 2, MAX_EVENT_BYTES));
        }
        pending[pendingBytes++] = b;
    }

    private void dispatch(List<SseEvent> completed) {
        byte[] raw = Arrays.copyOf(pending, pendingBytes);
        completed.add(oversized ? new SseEvent(raw, null, null, false) : fields.toEvent(raw));
        fields.reset();
        if (pending.length > MAX_KEPT_CAPACITY_BYTES) {
            // One large event must not pin its buffer for the rest of a long stream.
            pending = new byte[INITIAL_CAPACITY_BYTES];
        }
        pendingBytes = 0;
        lineStart = 0;
        lineBytes = 0;
        blankLineAfterCr = false;
        oversized = false;
    }
}
