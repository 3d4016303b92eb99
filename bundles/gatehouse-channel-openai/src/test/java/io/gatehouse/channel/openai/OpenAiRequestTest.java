package io.gatehouse.channel.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.gatehouse.api.routing.RouteRequest;

/** How a chat completion request becomes a routed message: the text and the peer. */
class OpenAiRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void theLastUserMessageIsTheText() throws Exception {
        assertEquals("second", OpenAiChannel.lastUserText(json("""
                [{"role":"system","content":"be brief"},{"role":"user","content":"first"},
                 {"role":"assistant","content":"ok"},{"role":"user","content":"second"}]""")));
    }

    @Test
    void contentPartsJoinTheirTextParts() throws Exception {
        assertEquals("look\nhere", OpenAiChannel.lastUserText(json("""
                [{"role":"user","content":[{"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"x"}},
                 {"type":"text","text":"here"}]}]""")));
    }

    @Test
    void noUsableUserTextIsNull() throws Exception {
        assertNull(OpenAiChannel.lastUserText(json("[{\"role\":\"system\",\"content\":\"x\"}]")));
        assertNull(OpenAiChannel.lastUserText(json("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]")));
        assertNull(OpenAiChannel.lastUserText(json("[{\"role\":\"user\",\"content\":42}]")));
        assertNull(OpenAiChannel.lastUserText(json("{\"role\":\"user\",\"content\":\"not an array\"}")));
    }

    @Test
    void thePeerComesFromTheHeaderThenTheUserField() throws Exception {
        assertEquals(new RouteRequest.Peer("group", "team-1"), OpenAiChannel.peer(" group:team-1 ", null));
        assertEquals(new RouteRequest.Peer("direct", "a:b"), OpenAiChannel.peer("direct:a:b", null));
        assertEquals(new RouteRequest.Peer("direct", "alice"), OpenAiChannel.peer(null, json("\" alice \"")));
        assertEquals(new RouteRequest.Peer("direct", "openai"), OpenAiChannel.peer("", json("\"  \"")));
        assertEquals(new RouteRequest.Peer("direct", "openai"), OpenAiChannel.peer(null, null));
    }

    @Test
    void aBadPeerHeaderIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenAiChannel.peer("nokind", null));
        assertTrue(e.getMessage().contains(OpenAiChannel.PEER_HEADER), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenAiChannel.peer("room:1", null));
        assertTrue(e.getMessage().contains("direct, group or channel"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OpenAiChannel.peer("direct:", null));
        assertThrows(IllegalArgumentException.class, () -> OpenAiChannel.peer(":x", null));
    }
}
