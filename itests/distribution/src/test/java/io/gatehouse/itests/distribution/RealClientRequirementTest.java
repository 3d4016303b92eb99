package io.gatehouse.itests.distribution;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without Chromium or Node the real-client tests skip on a developer machine, and fail the run under CI=true. */
class RealClientRequirementTest {

    @Test
    void aMissingClientFailsUnderCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> NodeClient.require(false, "no Chromium at /usr/bin/chromium", Map.of("CI", "true")));
        assertTrue(e.getMessage().contains("no Chromium") && e.getMessage().contains("CI=true"), e.getMessage());
        assertThrows(AssertionFailedError.class, () -> NodeClient.require(false, "node is not on the PATH", Map.of("CI", "1")));
    }

    @Test
    void aMissingClientSkipsOutsideCi() {
        assertThrows(TestAbortedException.class, () -> NodeClient.require(false, "node is not on the PATH", Map.of()));
        assertThrows(TestAbortedException.class, () -> NodeClient.require(false, "node is not on the PATH", Map.of("CI", "false")));
        assertDoesNotThrow(() -> NodeClient.require(true, "unused", Map.of("CI", "true")));
    }
}
