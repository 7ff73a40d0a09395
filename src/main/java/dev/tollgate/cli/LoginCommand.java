package dev.tollgate.cli;

import dev.tollgate.client.BrowserLogin;
import dev.tollgate.client.KeySource;
import dev.tollgate.client.StoredLogin;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tollgate login}: the browser login, storing the new key for later commands. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Sign in through the browser and store a new secret key in"
                + " $XDG_CONFIG_HOME/tollgate/credentials.json (or ~/.config/tollgate/),"
                + " mode 0600.")
public final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "Tollgate server URL (env TOLLGATE_URL, default "
                    + KeySource.DEFAULT_URL + ").")
    String url;

    @Option(names = "--show-key", description = "Also print the new secret key.")
    boolean showKey;

    @Override
    public Integer call() {
        String serverUrl = ClientOptions.serverUrl(spec.commandLine(), url);
        var err = spec.commandLine().getErr();
        BrowserLogin.Credentials credentials = new BrowserLogin(serverUrl,
                BrowserLogin.desktopOpener()).run(approvalUrl -> {
                    err.println("Opening " + approvalUrl);
                    err.println("If no browser opens, open that URL and approve with a secret key.");
                    err.flush();
                });
        Path file = StoredLogin.file(System.getenv());
        StoredLogin.write(file, new StoredLogin.Saved(serverUrl, credentials.secretKey(),
                credentials.secretKeyId(), credentials.merchantId()));
        var out = spec.commandLine().getOut();
        out.println("Logged in: merchant " + credentials.merchantId() + ", key "
                + credentials.secretKeyId() + " stored in " + file);
        if (showKey) {
            out.println("secret_key=" + credentials.secretKey());
        }
        return 0;
    }
}
