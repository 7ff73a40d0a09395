package dev.tollgate.accounts;

import java.time.Instant;

/** A stored secret key as listed: its id, name and last four characters, never the key. */
public record SecretKey(String id, String name, String hint, Instant createdAt) {
}
