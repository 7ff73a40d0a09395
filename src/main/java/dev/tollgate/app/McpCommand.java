package dev.tollgate.app;

import dev.tollgate.cli.ClientOptions;
import dev.tollgate.client.ApiClient;
import dev.tollgate.client.BrowserLogin;
import dev.tollgate.client.KeySource;
import dev.tollgate.client.StoredLogin;
import dev.tollgate.mcp.McpSession;
import dev.tollgate.mcp.StdioServer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate mcp}: an MCP server on stdio that calls a Tollgate server's API. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Run an MCP server on standard input and output. Tools call the Tollgate"
                + " server at --url with the key from TOLLGATE_SECRET_KEY, LAVA_SECRET_KEY or the"
                + " stored login; the login tool signs in through the browser.")
final class McpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "Tollgate server URL (env TOLLGATE_URL, default "
                    + KeySource.DEFAULT_URL + ").")
    String url;

    @Override
    public Integer call() throws IOException {
        Map<String, String> env = System.getenv();
        String serverUrl = ClientOptions.serverUrl(spec.commandLine(), url);
        String key = KeySource.key(null, serverUrl, env).orElse(null);
        McpSession session = new McpSession(new ApiClient(serverUrl, key), StoredLogin.file(env),
                BrowserLogin.desktopOpener());
        StdioServer.run(session, "0.1.0");
        return 0;
    }
}
