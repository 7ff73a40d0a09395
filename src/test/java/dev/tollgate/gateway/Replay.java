package dev.tollgate.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tollgate.billing.TokenUsage;
import dev.tollgate.billing.Usage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replays recorded provider responses through {@link SseSplitter} and {@link UsageReader}. */
final class Replay {

    /**
     * What one replay produced: the tokens, everything metered, the text and the events, which
     * are empty for a non-streaming body.
     */
    record Result(Optional<TokenUsage> usage, Optional<Usage> meteredUsage, String outputText,
            List<SseEvent> events) {

        byte[] concatenatedRaw() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            events.forEach(event -> out.writeBytes(event.raw()));
            return out.toByteArray();
        }

        List<String> dataFields() {
            return events.stream().map(SseEvent::data).toList();
        }
    }

    private Replay() {
    }

    /** Returns whether {@code file} contains a stream: {@code .sse} or {@code .chunks.jsonl}. */
    static boolean isStream(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".sse") || name.endsWith(".chunks.jsonl");
    }

    /**
     * Returns the stream bytes of {@code file}. A {@code .chunks.jsonl} file stores only the JSON
     * data of each event, one per line, so each line is framed as {@code data: <line>\n\n}.
     */
    static byte[] streamBytes(Path file) {
        try {
            if (!file.getFileName().toString().endsWith(".chunks.jsonl")) {
                return Files.readAllBytes(file);
            }
            StringBuilder framed = new StringBuilder();
            for (String line : Files.readAllLines(file, UTF_8)) {
                if (!line.isBlank()) {
                    framed.append("data: ").append(line).append("\n\n");
                }
            }
            return framed.toString().getBytes(UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
    }

    /** Replays {@code file}: a stream in one read, or a {@code .json} body. */
    static Result file(ResponseFormat format, Path file) {
        if (isStream(file)) {
            byte[] bytes = streamBytes(file);
            return stream(format, bytes, new int[0]);
        }
        UsageReader reader = UsageReader.forFormat(format);
        try {
            reader.acceptBody(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + " failed", e);
        }
        return new Result(reader.usage(), reader.meteredUsage(), reader.outputText(), List.of());
    }

    /**
     * Replays stream {@code bytes} in reads that end at each of the ascending positions in
     * {@code cuts}, then at the end of the stream.
     */
    static Result stream(ResponseFormat format, byte[] bytes, int[] cuts) {
        UsageReader reader = UsageReader.forFormat(format);
        SseSplitter splitter = new SseSplitter();
        List<SseEvent> events = new ArrayList<>();
        int start = 0;
        for (int cut : cuts) {
            events.addAll(splitter.feed(bytes, start, cut - start));
            start = cut;
        }
        events.addAll(splitter.feed(bytes, start, bytes.length - start));
        events.addAll(splitter.finish());
        events.forEach(reader::acceptEvent);
        return new Result(reader.usage(), reader.meteredUsage(), reader.outputText(), events);
    }
}
