package io.gatehouse.api.channel;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A channel adapter, registered as a service by a channel bundle. The gateway starts and stops its
 * accounts; the adapter hands inbound messages to the {@link MessageSink}.
 */
@ConsumerType
public interface ChannelAdapter {

    /** Service property and config key: the channel id, as in {@code channels.<id>}. */
    String CHANNEL_ID = "gatehouse.channel.id";

    String id();

    /** Starts the channel with its {@code channels.<id>} section. */
    void start(Map<String, Object> channelConfig, MessageSink sink) throws Exception;

    /** Stops taking messages; in-flight replies are drained by the caller first. */
    void stop();
}
