package dev.tollgate.gateway.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.gateway.TokenCounter;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplyTextTest {
    @Test
    void everyReplyIsShort() {
        for (String model : new String[] {"gpt-4o", "gpt-4"}) {
            for (long seed = 0; seed < ReplyText.CLOSINGS.size(); seed++) {
                ReplyText reply = ReplyText.generate(seed, model, OptionalInt.empty());
                int tokens = TokenCounter.countText(model, reply.text());

                assertThat(tokens).as("%s seed %d", model, seed).isBetween(29, 34);
                assertThat(reply.truncated()).isFalse();
            }
        }
    }

    @Test
    void seedChoosesTheClosing() {
        Set<String> texts = new HashSet<>();
        for (long seed = 0; seed < ReplyText.CLOSINGS.size(); seed++) {
            texts.add(ReplyText.generate(seed, "gpt-4o", OptionalInt.empty()).text());
        }

        assertThat(texts).hasSize(ReplyText.CLOSINGS.size());
        assertThat(texts).allSatisfy(text -> assertThat(text).startsWith(ReplyText.OPENING));
    }

    @Test
    void negativeSeedIsValid() {
        ReplyText reply = ReplyText.generate(Long.MIN_VALUE, "gpt-4o", OptionalInt.empty());

        assertThat(reply.text()).startsWith(ReplyText.OPENING);
    }

    @Test
    void limitCutsAtWordBoundary() {
        for (int maxTokens = 1; maxTokens <= 40; maxTokens++) {
            ReplyText reply = ReplyText.generate(7, "claude-haiku-4-5", OptionalInt.of(maxTokens));
            ReplyText whole = ReplyText.generate(7, "claude-haiku-4-5", OptionalInt.empty());

            assertThat(TokenCounter.countText("claude-haiku-4-5", reply.text()))
                    .as("limit %d", maxTokens)
                    .isBetween(1, maxTokens);
            assertThat(whole.words()).startsWith(reply.words().toArray(String[]::new));
            assertThat(reply.truncated()).isEqualTo(reply.words().size() < whole.words().size());
        }
    }

    @Test
    void limitOfOneKeepsFirstWord() {
        for (String model : new String[] {"gpt-4o", "gpt-4", "gemini-2.5-flash"}) {
            ReplyText reply = ReplyText.generate(1, model, OptionalInt.of(1));

            assertThat(reply.words()).as(model).containsExactly("This");
            assertThat(reply.truncated()).isTrue();
        }
    }

    @Test
    void wordsJoinToText() {
        ReplyText reply = ReplyText.generate(3, "gpt-4o", OptionalInt.empty());

        assertThat(String.join("", reply.words())).isEqualTo(reply.text());
        assertThat(reply.words().get(0)).isEqualTo("This");
        assertThat(reply.words().subList(1, reply.words().size()))
                .allSatisfy(word -> assertThat(word).startsWith(" "));
    }
}
