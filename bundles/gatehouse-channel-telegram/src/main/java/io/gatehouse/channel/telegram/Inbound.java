package io.gatehouse.channel.telegram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

import com.fasterxml.jackson.databind.JsonNode;

import io.gatehouse.api.channel.InboundMessage;
import io.gatehouse.api.routing.RouteRequest;
import io.gatehouse.channel.telegram.TelegramSettings.Account;

/**
 * What to do with one update: the decision is made from the update, the account's settings and the
 * operator's approvals alone (no side effects), so that it can be made again, identically, when the update
 * is replayed after a crash.
 *
 * <p>Routing follows the reference: a direct message's peer is {@code direct:<sender id>}; a group's is
 * {@code group:<chat id>}; a forum topic's is {@code group:<chat id>:topic:<thread id>} (a forum message
 * without a thread is in the General topic, 1) with the group as parent peer, so a binding on the group
 * matches its topics and a binding on one topic wins over it. Replies in non-forum groups do not make
 * threads. A direct message's topic ({@code message_thread_id} in a private chat) is a session of its own,
 * {@code <session key>:thread:<chat id>:<thread id>}, only when getMe says the bot has topics enabled; otherwise
 * it stays on the direct session, as the reference does.
 */
final class Inbound {

    enum Kind {
        /** Nothing to do (recorded, so a redelivery is dropped). */
        NONE,
        /** A turn of the agent the bindings route to. */
        AGENT,
        /** {@code /new}: a turn that starts the session over. */
        NEW_SESSION,
        /** {@code /start}, {@code /help}, {@code /status}: answered by the channel. */
        START, HELP, STATUS,
        /** A direct message from an unknown sender under {@code dmPolicy: pairing}. */
        PAIR
    }

    /** The decision about one update. */
    record Prepared(Kind kind, long updateId, boolean hasMessage, long chat, long messageId, String chatType, boolean group,
            Long threadId, Long sendThreadId, String senderId, String username, String senderName, String text,
            RouteRequest route, Map<String, String> attributes, String reason) {

        String key() {
            return hasMessage ? DeliveryLog.Entry.key(chat, messageId) : null;
        }
    }

    private Inbound() {
    }

    /**
     * @param botId       the bot's user id (from getMe), or 0 when unknown
     * @param botUsername the bot's username without {@code @}, or null
     * @param approved    whether the operator approved (account, sender) through pairing
     */
    static Prepared prepare(Account a, long botId, String botUsername, BiPredicate<String, String> approved, JsonNode update) {
        return prepare(a, botId, botUsername, false, approved, update);
    }

    /**
     * @param dmTopics whether the bot has topics in private chats (getMe's {@code has_topics_enabled})
     */
    static Prepared prepare(Account a, long botId, String botUsername, boolean dmTopics, BiPredicate<String, String> approved,
            JsonNode update) {
        long updateId = update.path("update_id").asLong();
        JsonNode msg = update.get("message");
        if (msg == null || !msg.isObject()) {
            String what = update.fieldNames().hasNext() ? String.join(",", iterable(update)) : "empty";
            return none(updateId, false, 0, 0, "not a new message (" + what + ")");
        }
        JsonNode chat = msg.path("chat");
        long chatId = chat.path("id").asLong();
        long messageId = msg.path("message_id").asLong();
        String chatType = chat.path("type").asText("private");
        if (chatType.equals("channel")) {
            return none(updateId, true, chatId, messageId, "channel posts are not answered");
        }
        JsonNode from = msg.path("from");
        String senderId = from.hasNonNull("id") ? from.path("id").asText() : msg.path("sender_chat").path("id").asText(Long.toString(chatId));
        if (from.path("is_bot").asBoolean(false) && botId != 0 && from.path("id").asLong() == botId) {
            return none(updateId, true, chatId, messageId, "the bot's own message");
        }
        String username = from.hasNonNull("username") ? from.path("username").asText() : null;
        String name = (from.path("first_name").asText("") + " " + from.path("last_name").asText("")).strip();
        boolean group = chatType.equals("group") || chatType.equals("supergroup");
        boolean forum = group && chat.path("is_forum").asBoolean(false);
        Long threadId = forum ? (msg.hasNonNull("message_thread_id") ? msg.path("message_thread_id").asLong() : 1L) : null;
        Long dmThread = !group && dmTopics && msg.hasNonNull("message_thread_id") ? msg.path("message_thread_id").asLong() : null;

        boolean caption = !msg.hasNonNull("text");
        String text = msg.hasNonNull("text") ? msg.path("text").asText() : msg.path("caption").asText("");
        JsonNode entities = caption ? msg.path("caption_entities") : msg.path("entities");
        String media = media(msg);
        if (text.isBlank() && media == null) {
            return none(updateId, true, chatId, messageId, "no text");
        }

        // a command: /name[@bot] args
        String command = null;
        String commandArgs = "";
        boolean elsewhere = false;
        if (text.startsWith("/") && text.length() > 1 && Character.isLetterOrDigit(text.charAt(1))) {
            int sp = indexOfSpace(text);
            String head = text.substring(1, sp < 0 ? text.length() : sp);
            commandArgs = sp < 0 ? "" : text.substring(sp + 1).strip();
            int at = head.indexOf('@');
            if (at >= 0) {
                String target = head.substring(at + 1);
                elsewhere = botUsername == null || !target.equalsIgnoreCase(botUsername);
                head = head.substring(0, at);
            }
            command = head.toLowerCase(Locale.ROOT);
        }
        String attributesText = null;
        if (group) {
            Access.GroupVerdict v = Access.group(a, Long.toString(chatId), threadId, senderId, username);
            if (!v.allowed()) {
                return none(updateId, true, chatId, messageId, v.reason());
            }
            if (elsewhere) {
                return none(updateId, true, chatId, messageId, "a command for another bot");
            }
            boolean replyToBot = botId != 0 && msg.path("reply_to_message").path("from").path("id").asLong() == botId;
            boolean mentioned = mentioned(text, entities, botId, botUsername);
            if (v.requireMention() && !mentioned && !replyToBot && command == null) {
                return none(updateId, true, chatId, messageId, "not mentioned (requireMention)");
            }
        } else {
            if (elsewhere) {
                return none(updateId, true, chatId, messageId, "a command for another bot");
            }
            Access.Dm dm = Access.dm(a, senderId, username, approved.test(a.id(), senderId));
            if (dm == Access.Dm.DENY) {
                return none(updateId, true, chatId, messageId, "sender " + senderId + " is not allowed (dmPolicy " + a.dmPolicy().name().toLowerCase(Locale.ROOT) + ")");
            }
            if (dm == Access.Dm.PAIR) {
                return decided(Kind.PAIR, updateId, chatId, messageId, chatType, false, null, null, senderId, username, name, text, null, msg,
                        media, "pairing");
            }
        }

        // the text for the agent: the bot's @mention taken out, the command's @bot suffix too
        if (botUsername != null) {
            attributesText = text.replaceAll("(?i)@" + java.util.regex.Pattern.quote(botUsername) + "\\b", "").replaceAll("[ \\t]{2,}", " ").strip();
        } else {
            attributesText = text.strip();
        }
        if (attributesText.isEmpty() && media != null) {
            attributesText = "<media:" + media + ">";
        }
        Kind kind = Kind.AGENT;
        if (command != null) {
            switch (command) {
                case "start" -> kind = Kind.START;
                case "help" -> kind = Kind.HELP;
                case "status" -> kind = Kind.STATUS;
                case "new", "reset" -> {
                    kind = Kind.NEW_SESSION;
                    attributesText = commandArgs;
                }
                default -> attributesText = "/" + command + (commandArgs.isEmpty() ? "" : " " + commandArgs);
            }
        }
        RouteRequest.Peer peer = group
                ? new RouteRequest.Peer("group", threadId != null ? chatId + ":topic:" + threadId : Long.toString(chatId))
                : new RouteRequest.Peer("direct", senderId);
        RouteRequest.Peer parent = group && threadId != null ? new RouteRequest.Peer("group", Long.toString(chatId)) : null;
        RouteRequest route = new RouteRequest(TelegramChannel.ID, a.id(), peer, parent, null, List.of(), null);
        // Telegram refuses message_thread_id=1 (General) on sends; the General topic is the chat itself.
        Long sendThread = threadId != null && threadId != 1 ? threadId : dmThread;
        Prepared p = decided(kind, updateId, chatId, messageId, chatType, group, threadId != null ? threadId : dmThread, sendThread,
                senderId, username, name, attributesText, route, msg, media, kind.name().toLowerCase(Locale.ROOT));
        if (dmThread == null) {
            return p;
        }
        Map<String, String> attrs = new LinkedHashMap<>(p.attributes());
        attrs.put(InboundMessage.SESSION_THREAD, chatId + ":" + dmThread);
        return new Prepared(p.kind(), p.updateId(), p.hasMessage(), p.chat(), p.messageId(), p.chatType(), p.group(), p.threadId(),
                p.sendThreadId(), p.senderId(), p.username(), p.senderName(), p.text(), p.route(), Map.copyOf(attrs), p.reason());
    }

    private static Prepared decided(Kind kind, long updateId, long chat, long messageId, String chatType, boolean group, Long threadId,
            Long sendThread, String senderId, String username, String name, String text, RouteRequest route, JsonNode msg, String media,
            String reason) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("telegram.chat_id", Long.toString(chat));
        attrs.put("telegram.chat_type", chatType);
        attrs.put("telegram.message_id", Long.toString(messageId));
        attrs.put("telegram.update_id", Long.toString(updateId));
        attrs.put("telegram.sender_id", senderId);
        if (username != null) {
            attrs.put("telegram.sender_username", username);
        }
        if (!name.isEmpty()) {
            attrs.put("telegram.sender_name", name);
        }
        if (threadId != null) {
            attrs.put("telegram.thread_id", Long.toString(threadId));
        }
        if (msg.path("chat").hasNonNull("title")) {
            attrs.put("telegram.chat_title", msg.path("chat").path("title").asText());
        }
        if (msg.path("reply_to_message").hasNonNull("message_id") && !msg.path("is_topic_message").asBoolean(false)) {
            attrs.put("telegram.reply_to_message_id", msg.path("reply_to_message").path("message_id").asText());
        }
        if (media != null) {
            attrs.put("telegram.media", media);
        }
        return new Prepared(kind, updateId, true, chat, messageId, chatType, group, threadId, sendThread, senderId, username, name, text,
                route, Map.copyOf(attrs), reason);
    }

    private static Prepared none(long updateId, boolean hasMessage, long chat, long messageId, String reason) {
        return new Prepared(Kind.NONE, updateId, hasMessage, chat, messageId, null, false, null, null, null, null, "", "", null, Map.of(),
                reason);
    }

    /** Whether the text mentions the bot: a {@code mention} entity of its @username, a {@code text_mention} of its id, or the @username. */
    static boolean mentioned(String text, JsonNode entities, long botId, String botUsername) {
        if (entities != null && entities.isArray()) {
            for (JsonNode e : entities) {
                String type = e.path("type").asText();
                if (type.equals("mention") && botUsername != null) {
                    int off = e.path("offset").asInt(-1);
                    int len = e.path("length").asInt(0);
                    if (off >= 0 && off + len <= text.length() && text.substring(off, off + len).equalsIgnoreCase("@" + botUsername)) {
                        return true;
                    }
                } else if (type.equals("text_mention") && botId != 0 && e.path("user").path("id").asLong() == botId) {
                    return true;
                }
            }
        }
        return botUsername != null && text.toLowerCase(Locale.ROOT).matches("(?s).*(^|[^\\w])@" + java.util.regex.Pattern.quote(botUsername.toLowerCase(Locale.ROOT)) + "\\b.*");
    }

    static String media(JsonNode msg) {
        if (msg.has("photo")) {
            return "image";
        }
        if (msg.has("video") || msg.has("video_note") || msg.has("animation")) {
            return "video";
        }
        if (msg.has("audio") || msg.has("voice")) {
            return "audio";
        }
        if (msg.has("document")) {
            return "document";
        }
        if (msg.has("sticker")) {
            return "sticker";
        }
        if (msg.has("location") || msg.has("venue")) {
            return "location";
        }
        if (msg.has("contact")) {
            return "contact";
        }
        return null;
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static Iterable<String> iterable(JsonNode n) {
        java.util.List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(f -> {
            if (!f.equals("update_id")) {
                names.add(f);
            }
        });
        return names;
    }
}
