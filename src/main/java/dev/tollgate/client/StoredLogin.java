package dev.tollgate.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials saved by a browser login, in {@code $XDG_CONFIG_HOME/tollgate/credentials.json}
 * or {@code ~/.config/tollgate/credentials.json}, readable by the owner only (mode 0600).
 */
public final class StoredLogin {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredLogin() {
    }

    /** A saved login: the server it belongs to and the credentials the exchange returned. */
    public record Saved(String url, String secretKey, String secretKeyId, String merchantId) {
    }

    /** Returns the credentials file for the given environment variables. */
    public static Path file(Map<String, String> env) {
        String configHome = env.get("XDG_CONFIG_HOME");
        Path base = configHome != null && !configHome.isBlank() ? Path.of(configHome)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("tollgate").resolve("credentials.json");
    }

    /** Reads the saved login; empty when the file is missing. */
    public static Optional<Saved> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            return Optional.of(new Saved(json.path("url").asText(null),
                    json.path("secret_key").asText(null), json.path("secret_key_id").asText(null),
                    json.path("merchant_id").asText(null)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + "; delete it and log in again",
                    e);
        }
    }

    /** Writes the login, replacing any earlier one, with mode 0600 from the start. */
    public static void write(Path file, Saved login) {
        ObjectNode json = JSON.createObjectNode()
                .put("url", login.url())
                .put("secret_key", login.secretKey())
                .put("secret_key_id", login.secretKeyId())
                .put("merchant_id", login.merchantId());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(json) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
