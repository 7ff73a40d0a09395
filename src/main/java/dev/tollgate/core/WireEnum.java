package dev.tollgate.core;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum whose constants have a fixed lowercase name on the wire and in the database. */
public interface WireEnum {
    String code();

    /** Returns the constant of {@code type} whose code is {@code code}, if any. */
    static <E extends Enum<E> & WireEnum> Optional<E> fromCode(Class<E> type, String code) {
        return Arrays.stream(type.getEnumConstants())
                .filter(constant -> constant.code().equals(code))
                .findFirst();
    }

    /** Returns the constant for a stored code, throwing when the database holds an unknown one. */
    static <E extends Enum<E> & WireEnum> E fromStored(Class<E> type, String code) {
        return fromCode(type, code).orElseThrow(() -> new IllegalStateException(
                "unknown " + type.getSimpleName() + " code in database: " + code));
    }

    /** Returns the codes of {@code type} as a readable list: "fixed, percentage". */
    static <E extends Enum<E> & WireEnum> String codes(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(WireEnum::code)
                .collect(Collectors.joining(", "));
    }
}
