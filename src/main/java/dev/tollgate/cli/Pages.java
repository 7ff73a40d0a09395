package dev.tollgate.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The paging options of every list command, mixed in with {@code @Mixin}. */
final class Pages {
    @Option(names = "--limit", paramLabel = "N", description = "Page size from 1 to 100 (default 10).")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "next_cursor of the previous page.")
    String cursor;

    /** Returns the query parameters for the chosen page; the client leaves out null values. */
    Map<String, String> query() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        query.put("cursor", cursor);
        return query;
    }
}
