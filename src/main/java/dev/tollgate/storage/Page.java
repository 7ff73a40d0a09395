package dev.tollgate.storage;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a newest-first list. {@code nextCursor} is the id of the last item when more
 * items follow, else null.
 */
public record Page<T>(List<T> data, boolean hasMore, String nextCursor) {

    /**
     * Builds a page from rows fetched with {@code limit + 1}: the extra row only signals that
     * more follow and is dropped.
     */
    public static <T> Page<T> fromOverfetch(List<T> rows, int limit, Function<T, String> idOf) {
        if (rows.size() <= limit) {
            return new Page<>(rows, false, null);
        }
        List<T> page = rows.subList(0, limit);
        return new Page<>(List.copyOf(page), true, idOf.apply(page.get(limit - 1)));
    }

    public <R> Page<R> map(Function<T, R> mapper) {
        return new Page<>(data.stream().map(mapper).toList(), hasMore, nextCursor);
    }
}
