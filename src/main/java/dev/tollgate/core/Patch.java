package dev.tollgate.core;

import java.util.function.Consumer;

/**
 * A field of a partial update: absent (leave the stored value alone) or present with a value
 * that may be null (clear the stored value).
 */
public record Patch<T>(boolean isPresent, T value) {
    private static final Patch<?> ABSENT = new Patch<>(false, null);

    @SuppressWarnings("unchecked")
    public static <T> Patch<T> absent() {
        return (Patch<T>) ABSENT;
    }

    public static <T> Patch<T> of(T value) {
        return new Patch<>(true, value);
    }

    /** Runs {@code action} with the value, possibly null, when the field is present. */
    public void ifPresent(Consumer<T> action) {
        if (isPresent) {
            action.accept(value);
        }
    }

    /** Returns the value when present, else {@code current}. */
    public T orElse(T current) {
        return isPresent ? value : current;
    }
}
