package dev.tollgate.mcp;

/** A tool argument that is missing, unknown or invalid; the message names it and the fix. */
final class ToolArgumentException extends RuntimeException {
    ToolArgumentException(String argument, String problem) {
        super("Invalid argument '" + argument + "': it " + problem + ".");
    }
}
