package dev.tollgate.billing;

import dev.tollgate.core.ApiError;
import java.util.List;

/** Validation of a meter's tier list. */
public final class Tiers {
    /** The most tiers one meter may have. */
    public static final int MAX_TIERS = 50;

    private Tiers() {
    }

    /**
     * Checks that {@code tiers} is non-empty, at most {@link #MAX_TIERS} long, starts at 0 and
     * has strictly ascending starts.
     *
     * @throws ApiError 400 naming the first offending element, such as {@code tiers[1].start}
     */
    public static void validate(List<Tier> tiers) {
        if (tiers.isEmpty()) {
            throw ApiError.invalid("tiers", "Field 'tiers' must have at least one tier, "
                    + "such as [{\"start\": \"0\", \"rate\": \"2\"}].");
        }
        if (tiers.size() > MAX_TIERS) {
            throw ApiError.invalid("tiers", "Field 'tiers' has " + tiers.size()
                    + " tiers; the maximum is " + MAX_TIERS + ".");
        }
        if (tiers.get(0).start() != 0) {
            throw ApiError.invalid("tiers[0].start", "Field 'tiers[0].start' is "
                    + tiers.get(0).start() + ", but the first tier must start at 0.");
        }
        for (int i = 1; i < tiers.size(); i++) {
            long previous = tiers.get(i - 1).start();
            long start = tiers.get(i).start();
            if (start <= previous) {
                throw ApiError.invalid("tiers[" + i + "].start", "Tier starts must strictly ascend: "
                        + "tiers[" + i + "].start is " + start + " but the tier before starts at "
                        + previous + ". Give a start above " + previous + ".");
            }
        }
    }
}
