package dev.tollgate.testing;

import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of gateway test classes that run every test once on SQLite and once on PostgreSQL,
 * against a {@link GatewayServer} (Tollgate and a fake provider) shared by the class's tests.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(DatabaseKind.class)
public abstract class GatewayOnBothDatabases {
    @Parameter
    protected DatabaseKind database;

    protected static GatewayServer gateway;

    @BeforeParameterizedClassInvocation
    static void startGateway(DatabaseKind database) {
        gateway = GatewayServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }
}
