package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MetersTest {
    static Stream<Arguments> slugs() {
        return Stream.of(
                Arguments.of("Chat Tokens", "chat-tokens"),
                Arguments.of("  GPT-4o   mini!! ", "gpt-4o-mini"),
                Arguments.of("snake_case_name", "snake-case-name"),
                Arguments.of("UPPER", "upper"),
                Arguments.of("2024 Audio", "2024-audio"),
                Arguments.of("--edge--", "edge"),
                Arguments.of("Café Crème", "caf-cr-me"),
                Arguments.of("!!!", "meter"),
                Arguments.of("", "meter"),
                Arguments.of("日本語", "meter"),
                Arguments.of("a".repeat(70), "a".repeat(64)),
                Arguments.of("a".repeat(63) + " b", "a".repeat(63)),
                Arguments.of("a".repeat(62) + " bc", "a".repeat(62) + "-b"));
    }

    @ParameterizedTest(name = "\"{0}\" becomes \"{1}\"")
    @MethodSource("slugs")
    void slugifyMakesUrlSafeSlug(String name, String slug) {
        String result = Meters.slugify(name);

        assertThat(result).isEqualTo(slug);
        assertThat(result).matches("[a-z0-9][a-z0-9-]*");
        assertThat(result).hasSizeLessThanOrEqualTo(64);
    }
}
