package io.gatehouse.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

import io.gatehouse.api.channel.ChannelAdapter;
import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.channel.MessageSink;
import io.gatehouse.api.channel.Reply;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.itests.support.EchoSink;
import io.gatehouse.itests.support.Gatehouse;
import io.gatehouse.itests.support.LauncherServices;
import io.gatehouse.itests.support.LauncherServicesExtension;
import io.gatehouse.itests.support.Poll;

/**
 * A channel adapter whose service goes away (its plugin is disabled, its bundle stops) is stopped
 * only after its in-flight messages have their replies.
 */
@ExtendWith(LauncherServicesExtension.class)
class ChannelAdapterLeavesIT {
    static final String ID = "itest-leaving";

    /** A channel adapter that records its lifecycle and hands its sink to the test. */
    static final class RecordingAdapter implements ChannelAdapter {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile MessageSink sink;

        @Override
        public String id() {
            return ID;
        }

        @Override
        public void start(Map<String, Object> channelConfig, MessageSink sink) {
            this.sink = sink;
            events.add("start");
        }

        @Override
        public void stop() {
            events.add("stop");
        }
    }

    final EchoSink echo = new EchoSink();
    ServiceRegistration<MessageSink> sinkRegistration;

    @BeforeEach
    void up(LauncherServices launcher) throws Exception {
        Gatehouse.awaitHealthy(launcher);
        BundleContext ctx = FrameworkUtil.getBundle(ChannelAdapterLeavesIT.class).getBundleContext();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        sinkRegistration = ctx.registerService(MessageSink.class, echo, props);
    }

    @AfterEach
    void down() {
        echo.release();
        sinkRegistration.unregister();
    }

    @Test
    void anInFlightMessageGetsItsReplyBeforeTheLeavingAdapterIsStopped(LauncherServices launcher) throws Exception {
        BundleContext ctx = FrameworkUtil.getBundle(ChannelAdapterLeavesIT.class).getBundleContext();
        RecordingAdapter adapter = new RecordingAdapter();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(ChannelAdapter.CHANNEL_ID, ID);
        props.put("gatehouse.channel.defaultEnabled", true); // ChannelManager.DEFAULT_ENABLED: no config section needed
        ServiceRegistration<ChannelAdapter> registration = ctx.registerService(ChannelAdapter.class, adapter, props);
        Poll.until("the test channel running", () -> ChannelsIT.state(ChannelsIT.channels(launcher), ID), "running"::equals);
        MessageSink sink = adapter.sink;
        assertNotNull(sink);

        // a message in flight through the adapter, held by the test sink until released
        InboundMessage message = new InboundMessage(
                new RouteRequest(ID, null, new RouteRequest.Peer("direct", "leaver"), null, null, List.of(), null),
                "hold", System.currentTimeMillis());
        CompletableFuture<Reply> reply = sink.deliver(message, d -> { }).toCompletableFuture();
        Poll.until("the message held in the sink", () -> echo.held.size(), n -> n == 1);
        reply.whenComplete((r, e) -> adapter.events.add("replied"));

        // the service goes away (as when plugins:disable stops its bundle); unregister blocks while it drains
        CompletableFuture<Void> gone = CompletableFuture.runAsync(registration::unregister);
        Poll.until("the channel manager waiting for the drain (the adapter left the channel list)",
                () -> ChannelsIT.row(ChannelsIT.channels(launcher), ID).isEmpty());
        assertFalse(gone.isDone(), "unregistration returned while a message was in flight");
        assertEquals(List.of("start"), adapter.events, "stopped while a message was in flight");
        // still counted as in-flight work, so a framework restart meanwhile would wait for it too
        assertEquals(1, Gatehouse.inFlightWork("channel-messages").pending());

        echo.release();
        assertEquals("echo: hold", reply.get(30, TimeUnit.SECONDS).text());
        gone.get(30, TimeUnit.SECONDS);
        Poll.until("the adapter stopped", Duration.ofSeconds(30), () -> adapter.events, e -> e.contains("stop"));
        assertEquals(List.of("start", "replied", "stop"), adapter.events);
        assertTrue(ChannelsIT.row(ChannelsIT.channels(launcher), ID).isEmpty());
    }
}
