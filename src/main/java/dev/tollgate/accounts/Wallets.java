package dev.tollgate.accounts;

/**
 * The ids of a merchant's wallet and account. Tollgate keeps one of each per merchant, so both
 * carry the merchant id's ULID: {@code wal_<ULID>} and {@code acc_<ULID>}.
 */
public final class Wallets {
    private Wallets() {
    }

    public static String walletId(String merchantId) {
        return "wal_" + ulidOf(merchantId);
    }

    public static String accountId(String merchantId) {
        return "acc_" + ulidOf(merchantId);
    }

    private static String ulidOf(String merchantId) {
        return merchantId.substring(merchantId.indexOf('_') + 1);
    }
}
