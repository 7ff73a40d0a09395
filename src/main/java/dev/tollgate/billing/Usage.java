package dev.tollgate.billing;

/**
 * Everything one request used, in each unit a meter or a price can count: tokens, characters of
 * text and seconds of audio. Characters are Unicode code points. Seconds are whole seconds,
 * rounded up from the provider's duration, because providers bill audio by the started second.
 *
 * <p>The gateway fills {@code inputCharacters} with the text sent to a text-to-speech model and
 * {@code inputSeconds} with the audio sent to a transcription model. {@code outputCharacters}
 * and {@code outputSeconds} come only from usage recorded with {@code POST /v1/requests}, since
 * no supported provider reports them. Immutable.
 */
public record Usage(
        TokenUsage tokens,
        long inputCharacters,
        long outputCharacters,
        long inputSeconds,
        long outputSeconds) {

    /** No usage at all. */
    public static final Usage ZERO = new Usage(TokenUsage.ZERO, 0, 0, 0, 0);

    /**
     * Checks the counts.
     *
     * @throws IllegalStateException when {@code tokens} is null or a count is negative
     */
    public Usage {
        if (tokens == null) {
            throw new IllegalStateException("token usage is missing; pass TokenUsage.ZERO");
        }
        if (inputCharacters < 0 || outputCharacters < 0 || inputSeconds < 0 || outputSeconds < 0) {
            throw new IllegalStateException("negative usage count: inputCharacters="
                    + inputCharacters + " outputCharacters=" + outputCharacters
                    + " inputSeconds=" + inputSeconds + " outputSeconds=" + outputSeconds);
        }
    }

    /** Returns usage of tokens only. */
    public static Usage ofTokens(TokenUsage tokens) {
        return new Usage(tokens, 0, 0, 0, 0);
    }

    /** Returns input plus output characters. */
    public long characters() {
        return Math.addExact(inputCharacters, outputCharacters);
    }

    /** Returns input plus output seconds. */
    public long seconds() {
        return Math.addExact(inputSeconds, outputSeconds);
    }

    /** Returns this usage with {@code newTokens} in place of its tokens. */
    public Usage withTokens(TokenUsage newTokens) {
        return new Usage(newTokens, inputCharacters, outputCharacters, inputSeconds,
                outputSeconds);
    }
}
