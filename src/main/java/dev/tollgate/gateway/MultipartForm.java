package dev.tollgate.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a {@code multipart/form-data} request body that metering needs: the short text
 * fields, such as {@code model}, and the total size of the uploaded files. The body itself is
 * never changed, so it still reaches the provider byte for byte.
 *
 * <p>Parsing never throws: a body that breaks off or is not multipart yields the parts read up
 * to that point. Immutable.
 */
public final class MultipartForm {
    /** Maximum length of a text field that is kept, in bytes. Longer fields are skipped. */
    static final int MAX_FIELD_BYTES = 1024;
    /** Maximum number of parts read from one body. */
    static final int MAX_PARTS = 100;

    private static final Pattern BOUNDARY = Pattern.compile(
            "(?i);\\s*boundary=(?:\"([^\"]{1,70})\"|([^\\s;\"]{1,70}))");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename\\*?=");
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    private static final MultipartForm EMPTY = new MultipartForm(Map.of(), 0, 0);

    private final Map<String, String> fields;
    private final long fileBytes;
    private final int fileCount;

    private MultipartForm(Map<String, String> fields, long fileBytes, int fileCount) {
        this.fields = Map.copyOf(fields);
        this.fileBytes = fileBytes;
        this.fileCount = fileCount;
    }

    /** Returns a form without fields or files. */
    public static MultipartForm empty() {
        return EMPTY;
    }

    /**
     * Reads {@code body} when {@code contentType} is {@code multipart/form-data} with a boundary,
     * and returns an empty form otherwise.
     */
    public static MultipartForm parse(byte[] body, String contentType) {
        if (body == null || contentType == null || !contentType.toLowerCase(Locale.ROOT)
                .startsWith("multipart/form-data")) {
            return EMPTY;
        }
        Matcher boundary = BOUNDARY.matcher(contentType);
        if (!boundary.find()) {
            return EMPTY;
        }
        String value = boundary.group(1) != null ? boundary.group(1) : boundary.group(2);
        return new Reader(body, ("--" + value).getBytes(StandardCharsets.ISO_8859_1)).read();
    }

    /**
     * Reads a multipart body whose content type is not at hand, taking the boundary from its
     * first line, {@code --<boundary>}. A body with a preamble before that line, which common
     * clients never send, yields an empty form.
     */
    public static MultipartForm parseWithoutContentType(byte[] body) {
        if (body == null || body.length < 3 || body[0] != '-' || body[1] != '-') {
            return EMPTY;
        }
        int lineEnd = 2;
        while (lineEnd < body.length && lineEnd < 80 && body[lineEnd] != '\r') {
            lineEnd++;
        }
        if (lineEnd == 2 || lineEnd >= body.length || lineEnd == 80) {
            return EMPTY;
        }
        byte[] delimiter = Arrays.copyOfRange(body, 0, lineEnd);
        return new Reader(body, delimiter).read();
    }

    /** Returns the first text field with this name, when it is at most MAX_FIELD_BYTES long. */
    public Optional<String> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** Returns the total size in bytes of the parts that carry a file name. */
    public long fileBytes() {
        return fileBytes;
    }

    /** Returns the number of parts that carry a file name. */
    public int fileCount() {
        return fileCount;
    }

    /** One pass over a body. Not thread-safe. */
    private static final class Reader {
        private final byte[] body;
        private final byte[] delimiter;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private long fileBytes;
        private int fileCount;

        Reader(byte[] body, byte[] delimiter) {
            this.body = body;
            this.delimiter = delimiter;
        }

        MultipartForm read() {
            int position = indexOf(delimiter, 0);
            for (int parts = 0; position >= 0 && parts < MAX_PARTS; parts++) {
                int afterDelimiter = position + delimiter.length;
                if (startsWith(afterDelimiter, new byte[] {'-', '-'})) {
                    break;
                }
                position = readPart(afterDelimiter);
            }
            return new MultipartForm(fields, fileBytes, fileCount);
        }

        /** Reads the part after a delimiter and returns the next delimiter's position, or -1. */
        private int readPart(int afterDelimiter) {
            int headersEnd = indexOf(HEADER_END, afterDelimiter);
            if (headersEnd < 0) {
                return -1;
            }
            String headers = new String(body, afterDelimiter, headersEnd - afterDelimiter,
                    StandardCharsets.UTF_8);
            int contentStart = headersEnd + HEADER_END.length;
            int next = indexOf(closingDelimiter(), contentStart);
            int contentEnd = next < 0 ? body.length : next;
            record(headers, contentStart, contentEnd);
            return next < 0 ? -1 : next + 2;
        }

        private void record(String headers, int contentStart, int contentEnd) {
            int size = Math.max(0, contentEnd - contentStart);
            if (FILENAME.matcher(headers).find()) {
                fileBytes += size;
                fileCount++;
                return;
            }
            Matcher name = NAME.matcher(headers);
            if (name.find() && size <= MAX_FIELD_BYTES) {
                fields.putIfAbsent(name.group(1), new String(body, contentStart, size,
                        StandardCharsets.UTF_8));
            }
        }

        /** Returns CRLF followed by the delimiter, which ends every part's content. */
        private byte[] closingDelimiter() {
            byte[] closing = new byte[delimiter.length + 2];
            closing[0] = '\r';
            closing[1] = '\n';
            System.arraycopy(delimiter, 0, closing, 2, delimiter.length);
            return closing;
        }

        private boolean startsWith(int from, byte[] prefix) {
            if (from + prefix.length > body.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (body[from + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        private int indexOf(byte[] pattern, int from) {
            for (int i = from; i <= body.length - pattern.length; i++) {
                if (body[i] == pattern[0] && startsWith(i, pattern)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
