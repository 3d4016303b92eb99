package io.gatehouse.api.watch;

import org.osgi.annotation.versioning.ProviderType;

/** A running watch. Its owner closes it (on deactivate); closing stops its thread. */
@ProviderType
public interface FileWatch extends AutoCloseable {

    /** {@code notify} (OS file notifications) or {@code polling}. */
    String mode();

    @Override
    void close();
}
