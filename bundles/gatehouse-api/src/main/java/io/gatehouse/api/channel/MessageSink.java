package io.gatehouse.api.channel;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** Where channels deliver inbound messages; the reply completes the stage. */
@ProviderType
public interface MessageSink {
    CompletionStage<String> deliver(InboundMessage message);
}
