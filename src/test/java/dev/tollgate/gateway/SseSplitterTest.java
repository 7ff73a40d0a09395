package dev.tollgate.gateway;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseSplitterTest {

    @Test
    void lineFeedEndingsSplitEvents() {
        List<SseEvent> events = splitAll("event: a\ndata: 1\n\ndata: 2\n\n");

        assertThat(events).hasSize(2);
        assertThat(text(events.get(0))).isEqualTo("event: a\ndata: 1\n\n");
        assertThat(events.get(0).event()).isEqualTo("a");
        assertThat(events.get(0).data()).isEqualTo("1");
        assertThat(events.get(1).event()).isNull();
        assertThat(events.get(1).data()).isEqualTo("2");
    }

    @Test
    void crlfEndingsKeepRawBytes() {
        List<SseEvent> events = splitAll("data: 1\r\n\r\ndata: 2\r\n\r\n");

        assertThat(events).extracting(SseEvent::data).containsExactly("1", "2");
        assertThat(text(events.get(0))).isEqualTo("data: 1\r\n\r\n");
        assertThat(text(events.get(1))).isEqualTo("data: 2\r\n\r\n");
    }

    @Test
    void carriageReturnEndingsSplitEvents() {
        List<SseEvent> events = splitAll("data: 1\rdata: 2\r\rdata: 3\r\r");

        assertThat(events).extracting(SseEvent::data).containsExactly("1\n2", "3");
        assertThat(text(events.get(0))).isEqualTo("data: 1\rdata: 2\r\r");
    }

    @Test
    void blankCarriageReturnWaitsForNextByte() {
        SseSplitter splitter = new SseSplitter();

        List<SseEvent> first = feed(splitter, "data: 1\r\n\r");
        List<SseEvent> second = feed(splitter, "\ndata: 2\r\n\r\n");

        assertThat(first).isEmpty();
        assertThat(second).extracting(SseEvent::data).containsExactly("1", "2");
        assertThat(text(second.get(0))).isEqualTo("data: 1\r\n\r\n");
    }

    @Test
    void blankCarriageReturnDispatchesOnOtherByte() {
        SseSplitter splitter = new SseSplitter();

        List<SseEvent> first = feed(splitter, "data: 1\r\r");
        List<SseEvent> second = feed(splitter, "d");

        assertThat(first).isEmpty();
        assertThat(second).extracting(SseEvent::data).containsExactly("1");
        assertThat(splitter.finish()).singleElement().extracting(e -> text(e)).isEqualTo("d");
    }

    @Test
    void multiLineDataJoinsWithNewline() {
        List<SseEvent> events = splitAll("data: a\ndata:b\ndata\ndata:  c\n\n");

        assertThat(events).singleElement().extracting(SseEvent::data).isEqualTo("a\nb\n\n c");
    }

    @Test
    void commentOnlyEventIsFlagged() {
        List<SseEvent> events = splitAll(": OPENROUTER PROCESSING\n\n: ping\ndata: {}\n\n");

        assertThat(events).hasSize(2);
        assertThat(events.get(0).commentOnly()).isTrue();
        assertThat(events.get(0).data()).isNull();
        assertThat(events.get(1).commentOnly()).isFalse();
        assertThat(events.get(1).data()).isEqualTo("{}");
    }

    @Test
    void otherFieldsLeaveDataNull() {
        List<SseEvent> events = splitAll("id: 7\nretry: 100\n\n\n");

        assertThat(events).hasSize(2);
        assertThat(events.get(0).data()).isNull();
        assertThat(events.get(0).commentOnly()).isFalse();
        assertThat(text(events.get(1))).isEqualTo("\n");
    }

    @Test
    void byteOrderMarkIgnoredAtStart() {
        List<SseEvent> events = splitAll("\uFEFFevent: a\ndata: 1\n\n");

        assertThat(events).singleElement().extracting(SseEvent::event).isEqualTo("a");
        assertThat(events.get(0).raw()).startsWith(0xEF, 0xBB, 0xBF);
    }

    @Test
    void finishReturnsUnterminatedEvent() {
        SseSplitter splitter = new SseSplitter();

        List<SseEvent> fed = feed(splitter, "data: 1\n\nevent: end\ndata: last");
        List<SseEvent> rest = splitter.finish();

        assertThat(fed).extracting(SseEvent::data).containsExactly("1");
        assertThat(rest).singleElement().extracting(SseEvent::data).isEqualTo("last");
        assertThat(rest.get(0).event()).isEqualTo("end");
        assertThat(text(rest.get(0))).isEqualTo("event: end\ndata: last");
        assertThat(splitter.finish()).isEmpty();
    }

    @Test
    void multiByteCharacterSplitAcrossReads() {
        byte[] bytes = "data: é€😀 ok\n\n".getBytes(UTF_8);
        SseSplitter splitter = new SseSplitter();
        List<SseEvent> events = new ArrayList<>();

        for (int i = 0; i < bytes.length; i++) {
            events.addAll(splitter.feed(bytes, i, 1));
        }

        assertThat(events).singleElement().extracting(SseEvent::data).isEqualTo("é€😀 ok");
        assertThat(events.get(0).raw()).isEqualTo(bytes);
    }

    @Test
    void oversizedEventPassesUnparsed() {
        String bigLine = "data: " + "x".repeat(SseSplitter.MAX_EVENT_BYTES + 100) + "\n\n";
        String input = bigLine + "data: ok\n\n";

        List<SseEvent> events = splitAll(input);

        assertThat(events).hasSize(3);
        assertThat(events.get(0).raw()).hasSize(SseSplitter.MAX_EVENT_BYTES);
        assertThat(events.get(0).data()).isNull();
        assertThat(events.get(1).data()).isNull();
        assertThat(text(events.get(1))).endsWith("x\n\n");
        assertThat(events.get(2).data()).isEqualTo("ok");
        assertThat(concat(events)).isEqualTo(input.getBytes(UTF_8));
    }

    @Test
    void eventAtLimitIsParsed() {
        String prefix = "data: ";
        int fill = SseSplitter.MAX_EVENT_BYTES - prefix.length() - 2;
        String input = prefix + "y".repeat(fill) + "\n\n";

        List<SseEvent> events = splitAll(input);

        assertThat(events).singleElement().extracting(e -> e.data().length()).isEqualTo(fill);
    }

    @Test
    void feedReadsOnlyGivenRange() {
        byte[] bytes = "junkdata: 1\n\njunk".getBytes(UTF_8);
        SseSplitter splitter = new SseSplitter();

        List<SseEvent> events = splitter.feed(bytes, 4, bytes.length - 8);

        assertThat(events).singleElement().extracting(SseEvent::data).isEqualTo("1");
        assertThatThrownBy(() -> splitter.feed(bytes, 10, bytes.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static List<SseEvent> splitAll(String input) {
        SseSplitter splitter = new SseSplitter();
        List<SseEvent> events = new ArrayList<>(feed(splitter, input));
        events.addAll(splitter.finish());
        return events;
    }

    private static List<SseEvent> feed(SseSplitter splitter, String input) {
        byte[] bytes = input.getBytes(UTF_8);
        return splitter.feed(bytes, 0, bytes.length);
    }

    private static String text(SseEvent event) {
        return new String(event.raw(), UTF_8);
    }

    private static byte[] concat(List<SseEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        events.forEach(event -> out.writeBytes(event.raw()));
        return out.toByteArray();
    }
}
