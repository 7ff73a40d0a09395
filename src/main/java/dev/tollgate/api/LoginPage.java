package dev.tollgate.api;

/** The HTML of the login approval page. Every value placed in it is HTML-escaped. */
final class LoginPage {
    private static final String HEAD = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width,initial-scale=1">
            <title>Approve login - Tollgate</title>
            <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;\
            padding:0 1rem}input{width:100%;padding:.5rem;font-family:monospace}\
            button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style>
            </head><body>
            """;

    private LoginPage() {
    }

    /** Returns the approval form; {@code error} is shown above it when not null. */
    static String form(String state, int port, String error) {
        StringBuilder html = new StringBuilder(HEAD);
        html.append("<h1>Approve login</h1>\n");
        html.append("<p>An agent or command line on this machine (listening on 127.0.0.1:")
                .append(port).append(") asks for a secret key. Approving creates a new key")
                .append(" named &quot;CLI login&quot; in the environment of the key you enter;")
                .append(" you can revoke it on its own later.</p>\n");
        if (error != null) {
            html.append("<p class=\"error\" role=\"alert\">").append(escape(error))
                    .append("</p>\n");
        }
        html.append("<form method=\"post\" action=\"/auth/connect\">\n")
                .append("<input type=\"hidden\" name=\"state\" value=\"").append(escape(state))
                .append("\">\n")
                .append("<input type=\"hidden\" name=\"port\" value=\"").append(port)
                .append("\">\n")
                .append("<label for=\"secret_key\">Secret key</label>\n")
                .append("<input id=\"secret_key\" name=\"secret_key\" type=\"password\"")
                .append(" autocomplete=\"off\" required placeholder=\"aks_test_...\">\n")
                .append("<button id=\"approve\" type=\"submit\">Approve</button>\n")
                .append("</form>\n</body></html>\n");
        return html.toString();
    }

    /** Returns a page that explains why the login link is invalid. */
    static String invalid(String message) {
        return HEAD + "<h1>Invalid login link</h1>\n<p class=\"error\" role=\"alert\">"
                + escape(message) + "</p>\n</body></html>\n";
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
