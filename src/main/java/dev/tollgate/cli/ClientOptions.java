package dev.tollgate.cli;

import dev.tollgate.client.ApiClient;
import dev.tollgate.client.KeySource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options of every command that calls a Tollgate server: where, with which key, and how to print. */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "Tollgate server URL (env TOLLGATE_URL, default "
                    + KeySource.DEFAULT_URL + ").")
    String url;

    @Option(names = "--key", paramLabel = "KEY",
            description = "Secret key (env TOLLGATE_SECRET_KEY or LAVA_SECRET_KEY, else the"
                    + " stored login). Prefer the environment: flags show in process lists.")
    String key;

    @Option(names = "--json", description = "Print the server's JSON reply instead of a table.")
    boolean json;

    /**
     * Returns a client for the configured server and key.
     *
     * @throws CommandLine.ParameterException (exit code 2) when the URL is invalid or no key
     *     is configured
     */
    ApiClient client(CommandLine commandLine) {
        String serverUrl = serverUrl(commandLine, url);
        String secretKey = KeySource.key(key, serverUrl, System.getenv())
                .orElseThrow(() -> new CommandLine.ParameterException(commandLine,
                        "No secret key: pass --key, set TOLLGATE_SECRET_KEY or LAVA_SECRET_KEY,"
                                + " or run 'tollgate login'."));
        return new ApiClient(serverUrl, secretKey);
    }

    /**
     * Returns the server URL from {@code flag}, {@code TOLLGATE_URL} or the default.
     *
     * @throws CommandLine.ParameterException (exit code 2) when the URL is invalid
     */
    public static String serverUrl(CommandLine commandLine, String flag) {
        try {
            return KeySource.url(flag, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }
}
