package dev.tollgate.testing;

import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of test classes that run every test once on SQLite and once on PostgreSQL, against a
 * server started for that database and shared by the class's tests.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
public abstract class BothDatabases {
    @Parameter
    protected DatabaseKind database;

    protected static TestServer server;

    @BeforeParameterizedClassInvocation
    static void startServer(DatabaseKind database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
