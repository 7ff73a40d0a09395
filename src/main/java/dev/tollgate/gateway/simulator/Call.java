package dev.tollgate.gateway.simulator;

/**
 * One request to the simulator, with what every format needs to build its response.
 *
 * @param route where the request was sent
 * @param body the raw request body, empty when there was none
 * @param seed the seed of the reply text, derived from the body alone
 * @param idSuffix the part of response ids after the provider's prefix
 * @param createdSeconds the reply's creation time in Unix seconds, from the simulator's clock
 */
record Call(Route route, byte[] body, long seed, String idSuffix, long createdSeconds) {
    /** Returns a response id such as {@code chatcmpl-...} with the given prefix. */
    String id(String prefix) {
        return prefix + idSuffix;
    }
}
