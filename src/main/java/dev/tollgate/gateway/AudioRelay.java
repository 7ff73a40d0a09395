package dev.tollgate.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Relays an audio response body byte for byte as it arrives, flushing after each read, as
 * streamed text to speech needs. A slow client slows the reads from the provider.
 */
final class AudioRelay {
    private static final int READ_BUFFER_BYTES = 16 * 1024;

    private AudioRelay() {
    }

    /**
     * Copies {@code upstream} to {@code client}, runs {@code beforeEnd} once the upstream ended
     * or broke off, then closes the client stream.
     *
     * @throws StreamRelay.ClientGone when writing to the client failed; {@code beforeEnd} has not
     *     run then
     */
    static void relay(InputStream upstream, OutputStream client, Runnable beforeEnd) {
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        try (upstream) {
            int read;
            while ((read = upstream.read(buffer)) != -1) {
                write(client, buffer, read);
            }
        } catch (IOException upstreamFailed) {
            // The provider broke off; the client gets what arrived, and the usage is settled.
        }
        beforeEnd.run();
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            throw new StreamRelay.ClientGone(e);
        }
    }

    private static void write(OutputStream client, byte[] buffer, int length) {
        try {
            client.write(buffer, 0, length);
            client.flush();
        } catch (IOException | RuntimeException e) {
            throw new StreamRelay.ClientGone(e);
        }
    }
}
