package dev.tollgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.client.ApiClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that call the management API. An {@link dev.tollgate.client.ApiException}
 * reaches the top-level handler, which prints its message and exits with 1.
 */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    @Override
    public final Integer call() {
        run(options.client(spec.commandLine()));
        return 0;
    }

    abstract void run(ApiClient client);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printList(JsonNode reply, String... columns) {
        Output.table(out(), options.json, reply, reply.path("data"), columns);
    }

    void printObject(JsonNode reply) {
        Output.fields(out(), options.json, reply);
    }

    static String encode(String id) {
        return ApiClient.pathSegment(id);
    }

    static CommandLine.ParameterException usageError(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
