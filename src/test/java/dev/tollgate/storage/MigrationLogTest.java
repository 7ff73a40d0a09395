package dev.tollgate.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The migration log line names the schema version whether or not a migration ran. */
class MigrationLogTest {

    @Test
    void reopenedDatabaseLogsCurrentVersion(@TempDir Path dir) {
        String url = "jdbc:sqlite:" + dir.resolve("tollgate.db");
        Logger logger = (Logger) LoggerFactory.getLogger(Database.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            Database.open(url).close();
            Database.open(url).close();
        } finally {
            logger.detachAppender(events);
        }

        List<String> lines = events.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("Migrations applied")).toList();
        assertThat(lines).hasSize(2);
        String firstVersion = lines.get(0).replaceAll(".*schemaVersion=", "");
        assertThat(firstVersion).isNotEqualTo("null");
        assertThat(lines.get(1)).startsWith("Migrations applied count=0 ");
        assertThat(lines.get(1)).endsWith("schemaVersion=" + firstVersion);
    }
}
