package io.gatehouse.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.channel.telegram.Inbound.Kind;
import io.gatehouse.channel.telegram.Inbound.Prepared;
import io.gatehouse.channel.telegram.TelegramSettings.Account;

class InboundTest {
    static final long BOT = 666;
    static final String BOT_NAME = "TestNameBot";

    static Account account(Map<String, Object> section) {
        Map<String, Object> s = new java.util.LinkedHashMap<>(section);
        s.put("botToken", "123456:TESTTOKENTESTTOKEN");
        return TelegramSettings.parse(s, k -> null, Path.of(".")).accounts.get(0);
    }

    static JsonNode update(String json) throws Exception {
        return BotApi.JSON.readTree(json.replace('\'', '"'));
    }

    static Prepared prepare(Account a, String json) throws Exception {
        return Inbound.prepare(a, BOT, BOT_NAME, (acc, sender) -> sender.equals("99"), update(json));
    }

    static String dm(long from, String text) {
        return "{'update_id':5,'message':{'message_id':11,'from':{'id':" + from + ",'first_name':'Ann','username':'ann'},"
                + "'chat':{'id':" + from + ",'type':'private'},'date':1,'text':'" + text + "'}}";
    }

    @Test
    void aDirectMessageRoutesToTheSendersPeer() throws Exception {
        Prepared p = prepare(account(Map.of("dmPolicy", "open", "allowFrom", List.of("*"))), dm(42, "hello"));
        assertEquals(Kind.AGENT, p.kind());
        assertEquals(new RouteRequest("telegram", "default", new RouteRequest.Peer("direct", "42"), null, null, List.of(), null), p.route());
        assertEquals("hello", p.text());
        assertEquals("11", p.attributes().get("telegram.message_id"));
        assertEquals("42:11", p.key());
        assertNull(p.sendThreadId());
    }

    @Test
    void aDirectMessageTopicIsASessionOnlyWhenTheBotHasTopics() throws Exception {
        Account a = account(Map.of("dmPolicy", "open", "allowFrom", List.of("*")));
        JsonNode u = update("{'update_id':5,'message':{'message_id':11,'message_thread_id':42,'from':{'id':1234,'first_name':'Ann'},"
                + "'chat':{'id':1234,'type':'private'},'date':1,'text':'hello'}}");
        Prepared plain = Inbound.prepare(a, BOT, BOT_NAME, false, (acc, s) -> false, u);
        assertNull(plain.attributes().get(InboundMessage.SESSION_THREAD), "the reference keeps it on the direct session");
        assertNull(plain.sendThreadId());
        Prepared topics = Inbound.prepare(a, BOT, BOT_NAME, true, (acc, s) -> false, u);
        assertEquals("1234:42", topics.attributes().get(InboundMessage.SESSION_THREAD));
        assertEquals(42L, topics.sendThreadId(), "answered in the topic");
        assertEquals(plain.route(), topics.route(), "routed as the direct message it is");
    }

    @Test
    void dmPolicies() throws Exception {
        assertEquals(Kind.PAIR, prepare(account(Map.of()), dm(42, "hi")).kind(), "pairing is the default");
        assertEquals(Kind.AGENT, prepare(account(Map.of()), dm(99, "hi")).kind(), "approved by the operator");
        assertEquals(Kind.AGENT, prepare(account(Map.of("allowFrom", List.of(42))), dm(42, "hi")).kind());
        assertEquals(Kind.AGENT, prepare(account(Map.of("allowFrom", List.of("@ANN"))), dm(42, "hi")).kind(), "usernames, any case");
        assertEquals(Kind.NONE, prepare(account(Map.of("dmPolicy", "allowlist", "allowFrom", List.of(7))), dm(42, "hi")).kind());
        assertEquals(Kind.NONE, prepare(account(Map.of("dmPolicy", "allowlist")), dm(99, "hi")).kind(), "approvals count only for pairing");
        assertEquals(Kind.NONE, prepare(account(Map.of("dmPolicy", "disabled", "allowFrom", List.of(42))), dm(42, "hi")).kind());
        assertEquals(Kind.PAIR, prepare(account(Map.of()), dm(42, "/start")).kind(), "a command from a stranger pairs too");
    }

    @Test
    void commands() throws Exception {
        Account a = account(Map.of("allowFrom", List.of(42)));
        assertEquals(Kind.START, prepare(a, dm(42, "/start")).kind());
        assertEquals(Kind.STATUS, prepare(a, dm(42, "/status@TestNameBot")).kind());
        assertEquals(Kind.HELP, prepare(a, dm(42, "/help")).kind());
        Prepared n = prepare(a, dm(42, "/new let us talk about cats"));
        assertEquals(Kind.NEW_SESSION, n.kind());
        assertEquals("let us talk about cats", n.text());
        Prepared skill = prepare(a, dm(42, "/weather@TestNameBot Berlin"));
        assertEquals(Kind.AGENT, skill.kind());
        assertEquals("/weather Berlin", skill.text());
        assertEquals(Kind.NONE, prepare(a, dm(42, "/start@OtherBot")).kind());
    }

    static String group(long chat, Long thread, boolean forum, String text, String entities) {
        return "{'update_id':8,'message':{'message_id':21,'from':{'id':42,'first_name':'Ann'},'chat':{'id':" + chat
                + ",'type':'supergroup','title':'Ops'" + (forum ? ",'is_forum':true" : "") + "},'date':1,"
                + (thread == null ? "" : "'message_thread_id':" + thread + ",'is_topic_message':true,") + "'text':'" + text + "'"
                + (entities == null ? "" : ",'entities':" + entities) + "}}";
    }

    @Test
    void aForumTopicIsAPeerOfItsOwnWithTheGroupAsParent() throws Exception {
        Account a = account(Map.of("groupPolicy", "open", "requireMention", false));
        Prepared p = prepare(a, group(-1001234567890L, 42L, true, "hi", null));
        assertEquals(Kind.AGENT, p.kind());
        assertEquals(new RouteRequest.Peer("group", "-1001234567890:topic:42"), p.route().peer());
        assertEquals(new RouteRequest.Peer("group", "-1001234567890"), p.route().parentPeer());
        assertEquals(42L, p.sendThreadId());
        assertEquals("42", p.attributes().get("telegram.thread_id"));
        Prepared general = prepare(a, group(-1001234567890L, null, true, "hi", null));
        assertEquals(new RouteRequest.Peer("group", "-1001234567890:topic:1"), general.route().peer(), "no thread in a forum: General");
        assertNull(general.sendThreadId(), "Telegram refuses message_thread_id 1 on sends");
        Prepared plain = prepare(a, group(-100777L, 5L, false, "hi", null));
        assertEquals(new RouteRequest.Peer("group", "-100777"), plain.route().peer(), "reply threads outside forums are no topics");
        assertNull(plain.route().parentPeer());
    }

    @Test
    void groupsAnswerWhenMentionedOrRepliedTo() throws Exception {
        Account a = account(Map.of("groupPolicy", "open"));
        assertEquals(Kind.NONE, prepare(a, group(-5, null, false, "just chatting", null)).kind());
        Prepared m = prepare(a, group(-5, null, false, "@TestNameBot what time is it",
                "[{'type':'mention','offset':0,'length':12}]"));
        assertEquals(Kind.AGENT, m.kind());
        assertEquals("what time is it", m.text(), "the mention is taken out");
        assertEquals(Kind.AGENT, prepare(a, group(-5, null, false, "hey @testnamebot", null)).kind(), "the @username in any case");
        String reply = "{'update_id':9,'message':{'message_id':22,'from':{'id':42},'chat':{'id':-5,'type':'group'},'text':'and then?',"
                + "'reply_to_message':{'message_id':20,'from':{'id':666,'is_bot':true}}}}";
        assertEquals(Kind.AGENT, prepare(a, reply).kind());
        assertEquals(Kind.STATUS, prepare(a, group(-5, null, false, "/status", null)).kind(), "a command is addressed");
        Account noMention = account(Map.of("groupPolicy", "open", "groups", Map.of("-5", Map.of("requireMention", false))));
        assertEquals(Kind.AGENT, prepare(noMention, group(-5, null, false, "just chatting", null)).kind());
    }

    @Test
    void groupAllowLists() throws Exception {
        assertEquals(Kind.NONE, prepare(account(Map.of("requireMention", false)), group(-5, null, false, "x", null)).kind(),
                "allowlist with nobody listed: nobody");
        assertEquals(Kind.AGENT, prepare(account(Map.of("requireMention", false, "groupAllowFrom", List.of(42))),
                group(-5, null, false, "x", null)).kind());
        assertEquals(Kind.AGENT, prepare(account(Map.of("requireMention", false, "allowFrom", List.of(42))),
                group(-5, null, false, "x", null)).kind(), "groupAllowFrom falls back to allowFrom");
        Account listed = account(Map.of("groupPolicy", "open", "requireMention", false, "groups", Map.of("-6", Map.of())));
        assertEquals(Kind.NONE, prepare(listed, group(-5, null, false, "x", null)).kind(), "groups lists the chats");
        assertEquals(Kind.AGENT, prepare(listed, group(-6, null, false, "x", null)).kind());
        Account topicOff = account(Map.of("groupPolicy", "open", "requireMention", false,
                "groups", Map.of("*", Map.of("topics", Map.of("3", Map.of("enabled", false))))));
        assertEquals(Kind.NONE, prepare(topicOff, group(-5, 3L, true, "x", null)).kind());
        assertEquals(Kind.AGENT, prepare(topicOff, group(-5, 4L, true, "x", null)).kind());
        assertEquals(Kind.NONE, prepare(account(Map.of("groupPolicy", "disabled")), group(-5, null, false, "@TestNameBot x", null)).kind());
    }

    @Test
    void captionsAndMedia() throws Exception {
        Account a = account(Map.of("allowFrom", List.of(42)));
        Prepared c = prepare(a, "{'update_id':1,'message':{'message_id':3,'from':{'id':42},'chat':{'id':42,'type':'private'},"
                + "'photo':[{'file_id':'x'}],'caption':'look at this'}}");
        assertEquals(Kind.AGENT, c.kind());
        assertEquals("look at this", c.text());
        assertEquals("image", c.attributes().get("telegram.media"));
        Prepared v = prepare(a, "{'update_id':1,'message':{'message_id':4,'from':{'id':42},'chat':{'id':42,'type':'private'},'voice':{}}}");
        assertEquals("<media:audio>", v.text());
        Prepared empty = prepare(a, "{'update_id':1,'message':{'message_id':5,'from':{'id':42},'chat':{'id':42,'type':'private'}}}");
        assertEquals(Kind.NONE, empty.kind());
        assertTrue(empty.hasMessage(), "recorded all the same");
    }

    @Test
    void whatIsNotAMessageHasNoKey() throws Exception {
        Prepared edit = prepare(account(Map.of()), "{'update_id':3,'edited_message':{'message_id':1,'chat':{'id':1}}}");
        assertEquals(Kind.NONE, edit.kind());
        assertNull(edit.key());
        Prepared own = prepare(account(Map.of("allowFrom", List.of("*"), "dmPolicy", "open")),
                "{'update_id':3,'message':{'message_id':1,'from':{'id':666,'is_bot':true},'chat':{'id':1,'type':'private'},'text':'x'}}");
        assertEquals(Kind.NONE, own.kind());
    }
}
