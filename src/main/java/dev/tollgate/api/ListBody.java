package dev.tollgate.api;

import dev.tollgate.storage.Page;
import java.util.List;

/** The wire form of a list page. */
record ListBody(List<?> data, boolean hasMore, String nextCursor) {
    static ListBody of(Page<?> page) {
        return new ListBody(page.data(), page.hasMore(), page.nextCursor());
    }
}
