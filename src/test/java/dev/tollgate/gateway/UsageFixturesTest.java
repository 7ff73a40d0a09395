package dev.tollgate.gateway;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays real recorded provider responses from the folder named by the environment variable
 * {@code TOLLGATE_PROVIDER_FIXTURES} and checks each against its {@code expected_usage.json}
 * entry. Those files are not part of this repository, so their tests are skipped when the
 * variable is not set. The short payloads in {@code src/test/resources/payloads} cover the same
 * rules and are always checked.
 */
class UsageFixturesTest {

    @TestFactory
    Stream<DynamicTest> recordedResponsesGiveExpectedUsage() {
        return ExpectedUsage.sharedFixtures()
                .map(ExpectedUsage::tests)
                .orElseGet(ExpectedUsage::skippedWithoutFixtures);
    }

    @TestFactory
    Stream<DynamicTest> ownPayloadsGiveExpectedUsage() {
        return ExpectedUsage.tests(ExpectedUsage.OWN_PAYLOADS);
    }
}
