package dev.tollgate.app;

import dev.tollgate.accounts.Merchants;
import dev.tollgate.accounts.SecretKeys;
import dev.tollgate.billing.ledger.LedgerCheck;
import dev.tollgate.cli.LoginCommand;
import dev.tollgate.cli.MeterCommands;
import dev.tollgate.cli.PlanCommands;
import dev.tollgate.cli.ReadCommands;
import dev.tollgate.core.Ids;
import dev.tollgate.storage.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code tollgate} command line. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, version = "Tollgate 0.1.0",
        description = "Usage-based billing with a metering AI gateway.",
        subcommands = {Main.Serve.class, Main.MerchantCommand.class, Main.LedgerCommand.class,
                McpCommand.class, LoginCommand.class, MeterCommands.class, PlanCommands.class,
                ReadCommands.Customers.class, ReadCommands.Usage.class,
                ReadCommands.Requests.class})
public final class Main {

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /**
     * Returns the command line: exit code 0 on success, 1 when a command fails (such as an API
     * error, whose message is printed), 2 for invalid usage.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((error, commandLine, parseResult) -> {
                    commandLine.getErr().println("tollgate: " + error.getMessage());
                    return 1;
                });
    }

    /** Options shared by every command that opens the database, mixed into each. */
    static final class StorageOptions {
        @Option(names = "--data", paramLabel = "DIR",
                description = "Data directory for the SQLite file and bootstrap keys"
                        + " (env TOLLGATE_DATA_DIR, default ./data).")
        Path data;

        Config config(String host, Integer port) {
            return Config.from(host, port, data, System.getenv());
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Start the HTTP server.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", paramLabel = "PORT",
                description = "TCP port (env TOLLGATE_PORT, default 8080; 0 picks a free port).")
        Integer port;

        @Option(names = "--host", paramLabel = "HOST",
                description = "Address to listen on (default 127.0.0.1).")
        String host;

        @CommandLine.Mixin
        StorageOptions storage;

        @Override
        public Integer call() throws InterruptedException {
            Server server = Server.start(storage.config(host, port), Clock.systemUTC(),
                    System.out);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.stop();
                stopped.countDown();
            }, "tollgate-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "merchant", mixinStandardHelpOptions = true,
            description = "Manage merchant accounts in the configured database.",
            subcommands = {MerchantCreate.class})
    static final class MerchantCommand {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a merchant and print its sandbox and live secret keys once.")
    static final class MerchantCreate implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The merchant's name.")
        String name;

        @CommandLine.Mixin
        StorageOptions storage;

        @Override
        public Integer call() {
            Config config = storage.config(null, null);
            if (config.databaseUrl().isEmpty()) {
                Server.createSqliteFile(config);
            }
            try (Database database = Database.open(config.jdbcUrl())) {
                Clock clock = Clock.systemUTC();
                Ids ids = new Ids(clock);
                Merchants merchants = new Merchants(database.jdbi(), ids, clock,
                        new SecretKeys(database.jdbi(), ids, clock));
                System.out.print(BootstrapKeys.describe(merchants.create(name)));
            }
            return 0;
        }
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true,
            description = "Audit the credit ledger in the configured database.",
            subcommands = {LedgerVerify.class})
    static final class LedgerCommand {
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute every customer's balances from the ledger entries; exit 1"
                    + " after listing each customer whose balances differ, 0 when all reconcile.")
    static final class LedgerVerify implements Callable<Integer> {
        @CommandLine.Mixin
        StorageOptions storage;

        @Override
        public Integer call() {
            Config config = storage.config(null, null);
            try (Database database = Database.open(config.jdbcUrl())) {
                var mismatches = database.jdbi().withHandle(LedgerCheck::mismatches);
                long accounts = database.jdbi().withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM credit_balances").mapTo(Long.class).one());
                if (!mismatches.isEmpty()) {
                    mismatches.forEach(mismatch -> System.out.println("ledger mismatch: " + mismatch));
                    System.out.println("ledger mismatches: " + mismatches.size() + " of " + accounts
                            + " balances differ from the sums of their entries");
                    return 1;
                }
                System.out.println("ledger ok: " + accounts + " balances equal the sums of their"
                        + " entries");
                return 0;
            }
        }
    }
}
