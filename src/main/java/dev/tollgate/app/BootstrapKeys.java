package dev.tollgate.app;

import dev.tollgate.accounts.Merchants;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * First start: creates a merchant when the database has none, prints its two keys once and
 * writes them to {@code <data>/bootstrap-keys.txt}, readable by the owner only.
 */
final class BootstrapKeys {
    static final String FILE_NAME = "bootstrap-keys.txt";

    private BootstrapKeys() {
    }

    static void createIfEmpty(Merchants merchants, Config config, PrintStream out) {
        Optional<Merchants.NewMerchant> created;
        try {
            created = merchants.bootstrapIfEmpty(config.bootstrapSandboxKey(),
                    config.bootstrapLiveKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TOLLGATE_BOOTSTRAP_SANDBOX_KEY or"
                    + " TOLLGATE_BOOTSTRAP_LIVE_KEY is " + e.getMessage(), e);
        }
        created.ifPresent(merchant -> {
            String text = describe(merchant);
            Path file = config.dataDir().resolve(FILE_NAME);
            writeOwnerOnly(file, text);
            out.println();
            out.println("First start: created a merchant. Its keys are shown once here and saved in "
                    + file.toAbsolutePath() + " (mode 0600).");
            out.print(text);
            out.println();
            out.flush();
        });
    }

    static String describe(Merchants.NewMerchant merchant) {
        return "merchant_id=" + merchant.merchantId() + "\n"
                + "sandbox_secret_key=" + merchant.sandboxKey() + "\n"
                + "live_secret_key=" + merchant.liveKey() + "\n";
    }

    private static void writeOwnerOnly(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
