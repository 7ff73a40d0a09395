package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every stream with its bytes split into reads at random positions, one-byte reads
 * included, and checks that the events, their concatenated raw bytes, the usage and the output
 * text never depend on where the reads end. A stream whose lines end in {@code \n} alone is also
 * replayed with {@code \r} alone.
 */
class SplitReplayTest {
    private static final long SEED = 7_919L;
    private static final int RANDOM_SPLITS_PER_STREAM = 150;

    @TestFactory
    Stream<DynamicTest> ownStreamsIgnoreReadBoundaries() {
        return tests(ExpectedUsage.OWN_PAYLOADS);
    }

    @TestFactory
    Stream<DynamicTest> recordedStreamsIgnoreReadBoundaries() {
        return ExpectedUsage.sharedFixtures()
                .map(SplitReplayTest::tests)
                .orElseGet(ExpectedUsage::skippedWithoutFixtures);
    }

    private static Stream<DynamicTest> tests(Path folder) {
        return ExpectedUsage.streamFiles(folder).map(file -> {
            String name = ExpectedUsage.relative(folder, file);
            ResponseFormat format = ExpectedUsage.formatOf(name).orElseThrow();
            return DynamicTest.dynamicTest(name, () -> checkSplits(name, format, file));
        });
    }

    private static void checkSplits(String name, ResponseFormat format, Path file) {
        byte[] bytes = Replay.streamBytes(file);
        Replay.Result whole = Replay.stream(format, bytes, new int[0]);
        assertThat(whole.concatenatedRaw()).as(name + " raw bytes in one read").isEqualTo(bytes);

        int[] everyByte = IntStream.range(1, bytes.length).toArray();
        assertSameReplay(name + " one-byte reads", whole, Replay.stream(format, bytes, everyByte));

        Random random = new Random(SEED);
        for (int i = 0; i < RANDOM_SPLITS_PER_STREAM; i++) {
            Replay.Result split = Replay.stream(format, bytes, randomCuts(random, bytes.length));
            assertSameReplay(name + " random split " + i, whole, split);
        }
        checkCarriageReturnEndings(name, format, bytes, whole);
    }

    /** Rewrites a stream that uses {@code \n} alone to {@code \r} alone and replays it. */
    private static void checkCarriageReturnEndings(
            String name, ResponseFormat format, byte[] bytes, Replay.Result whole) {
        for (byte b : bytes) {
            if (b == '\r') {
                return;
            }
        }
        byte[] rewritten = bytes.clone();
        for (int i = 0; i < rewritten.length; i++) {
            if (rewritten[i] == '\n') {
                rewritten[i] = '\r';
            }
        }
        int[] everyByte = IntStream.range(1, rewritten.length).toArray();
        Replay.Result replayed = Replay.stream(format, rewritten, everyByte);
        String label = name + " with carriage returns";
        assertThat(replayed.concatenatedRaw()).as(label + " raw bytes").isEqualTo(rewritten);
        assertThat(replayed.dataFields()).as(label + " data").isEqualTo(whole.dataFields());
        assertThat(replayed.usage()).as(label + " usage").isEqualTo(whole.usage());
        assertThat(replayed.outputText()).as(label + " output text").isEqualTo(whole.outputText());
    }

    private static void assertSameReplay(
            String label, Replay.Result expected, Replay.Result actual) {
        assertThat(actual.concatenatedRaw()).as(label + " raw bytes")
                .isEqualTo(expected.concatenatedRaw());
        assertThat(actual.events()).as(label + " events").isEqualTo(expected.events());
        assertThat(actual.usage()).as(label + " usage").isEqualTo(expected.usage());
        assertThat(actual.outputText()).as(label + " output text").isEqualTo(expected.outputText());
    }

    /**
     * Returns ascending read end positions inside {@code length} bytes. Reads are short in
     * about half the splits and up to 4 KiB in the rest.
     */
    private static int[] randomCuts(Random random, int length) {
        int maxReadBytes = 1 + random.nextInt(random.nextBoolean() ? 8 : 4096);
        IntStream.Builder cuts = IntStream.builder();
        int position = 1 + random.nextInt(maxReadBytes);
        while (position < length) {
            cuts.add(position);
            position += 1 + random.nextInt(maxReadBytes);
        }
        return cuts.build().toArray();
    }
}
