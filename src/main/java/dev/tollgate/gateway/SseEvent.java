package dev.tollgate.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One event of a {@code text/event-stream} body, as framed by {@link SseSplitter}.
 *
 * <p>{@code raw} contains the exact bytes of the event, its terminating blank line included, so
 * the concatenation of every {@code raw} of a stream equals the stream byte for byte. The array
 * is shared, not copied: callers must not modify it. Instances are immutable otherwise and safe
 * to share between threads.
 *
 * @param raw the bytes of the event as received, never null
 * @param event the value of the last {@code event:} field, or null when the event has none
 * @param data the values of the {@code data:} lines joined with {@code \n}, or null when the
 *     event has no {@code data:} line or was too large to parse
 * @param commentOnly whether every line of the event before its blank line is a comment, that
 *     is, starts with {@code :} (for example {@code : OPENROUTER PROCESSING})
 */
public record SseEvent(byte[] raw, String event, String data, boolean commentOnly) {

    public SseEvent {
        Objects.requireNonNull(raw, "raw");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SseEvent that
                && Arrays.equals(raw, that.raw)
                && Objects.equals(event, that.event)
                && Objects.equals(data, that.data)
                && commentOnly == that.commentOnly;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(raw), event, data, commentOnly);
    }

    /**
     * Describes the event for test failures and debugging, with at most the first 200 bytes of
     * {@code raw} and 200 characters of {@code data}. Responses must not be logged, so keep it out
     * of log messages.
     */
    @Override
    public String toString() {
        String text = new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.UTF_8);
        String escaped = text.replace("\r", "\\r").replace("\n", "\\n");
        String shownData = data == null ? null : data.substring(0, Math.min(data.length(), 200));
        return "SseEvent[rawBytes=" + raw.length + ", raw=" + escaped + ", event=" + event
                + ", data=" + shownData + ", commentOnly=" + commentOnly + "]";
    }
}
