package dev.tollgate.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Query parameters of list commands. */
final class Pages {
    private Pages() {
    }

    static Map<String, String> query(Integer limit, String cursor) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        query.put("cursor", cursor);
        return query;
    }
}
