package dev.tollgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.DatabaseKind;
import dev.tollgate.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The SQLite files contain customers' contact details, so only their owner may read them. */
class DataFileModesTest {

    @Test
    void sqliteFilesAreOwnerOnly() throws IOException {
        try (TestServer server = TestServer.start(DatabaseKind.SQLITE)) {
            Path dataDir = server.database().dataDir();

            for (String name : new String[] {"tollgate.db", "tollgate.db-wal",
                    "tollgate.db-shm"}) {
                Path file = dataDir.resolve(name);
                if (name.equals("tollgate.db") || Files.exists(file)) {
                    assertThat(PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(file))).as(name).isEqualTo("rw-------");
                }
            }
        }
    }
}
