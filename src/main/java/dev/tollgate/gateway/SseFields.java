package dev.tollgate.gateway;

/**
 * The fields of the event that {@link SseSplitter} is reading, collected line by line as the
 * event-stream format defines them: a line starting with {@code :} is a comment, otherwise the
 * text before the first colon is the field name and the rest, less one leading space, its value.
 * Not thread-safe.
 */
final class SseFields {
    private String eventName;
    private StringBuilder data;
    private boolean hasComment;
    private boolean hasField;

    /** Adds one line of the event, without its line terminator. */
    void acceptLine(String line) {
        if (line.startsWith(":")) {
            hasComment = true;
            return;
        }
        hasField = true;
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : valueAfter(line, colon);
        switch (name) {
            case "event" -> eventName = value;
            case "data" -> appendData(value);
            default -> {
                // id, retry and unknown fields carry nothing the gateway meters.
            }
        }
    }

    /** Builds the event from the lines added since the last reset. */
    SseEvent toEvent(byte[] raw) {
        String joinedData = data == null ? null : data.toString();
        return new SseEvent(raw, eventName, joinedData, hasComment && !hasField);
    }

    /** Forgets every line, ready for the next event. */
    void reset() {
        eventName = null;
        data = null;
        hasComment = false;
        hasField = false;
    }

    private void appendData(String value) {
        if (data == null) {
            data = new StringBuilder(value);
        } else {
            data.append('\n').append(value);
        }
    }

    private static String valueAfter(String line, int colon) {
        int start = colon + 1;
        if (start < line.length() && line.charAt(start) == ' ') {
            start++;
        }
        return line.substring(start);
    }
}
