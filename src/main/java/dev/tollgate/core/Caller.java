package dev.tollgate.core;

/**
 * The authenticated owner of a request: a merchant acting in one environment through one of
 * its secret keys. Every feature query filters on {@code merchantId} and {@code environment}.
 */
public record Caller(String merchantId, Environment environment, String secretKeyId) {
}
