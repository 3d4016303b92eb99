package io.gatehouse.channel.telegram;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

import io.gatehouse.channel.telegram.TelegramSettings.Account;
import io.gatehouse.channel.telegram.TelegramSettings.Group;

/**
 * Who may talk to the agents through a Telegram account (the reference's rules).
 *
 * <ul>
 * <li>Direct messages, by {@code dmPolicy}: {@code open} (needs {@code allowFrom: ["*"]}), {@code allowlist}
 * (senders in {@code allowFrom}), {@code pairing} (the default: {@code allowFrom} and the senders the
 * operator approved; anyone else gets a pairing code), {@code disabled}.</li>
 * <li>Groups: {@code groups} (when set) lists the chats the bot works in, by id or {@code *};
 * {@code groupPolicy} {@code open} (any member), {@code allowlist} (the default: senders in the topic's,
 * else the group's {@code allowFrom}, else {@code groupAllowFrom}, else {@code allowFrom}), {@code disabled}.
 * {@code enabled: false} on a group or topic turns it off.</li>
 * <li>Mentions: in groups the bot answers only when mentioned or replied to, unless {@code requireMention}
 * is false (topic, else group, else {@code groups."*"}, else the account).</li>
 * </ul>
 * Allow lists hold user ids, {@code @usernames} (case-insensitive) or {@code *}.
 */
final class Access {

    enum Dm { ALLOW, PAIR, DENY }

    /** A group message's verdict. */
    record GroupVerdict(boolean allowed, boolean requireMention, String reason) {
    }

    private Access() {
    }

    /** Whether {@code list} admits this sender. */
    static boolean listed(Collection<String> list, String senderId, String username) {
        if (list == null) {
            return false;
        }
        for (String e : list) {
            if (e.equals("*") || e.equals(senderId)
                    || username != null && e.startsWith("@") && e.equalsIgnoreCase("@" + username.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    static Dm dm(Account a, String senderId, String username, boolean approvedByOperator) {
        return switch (a.dmPolicy()) {
            case DISABLED -> Dm.DENY;
            case OPEN -> Dm.ALLOW;
            case ALLOWLIST -> listed(a.allowFrom(), senderId, username) ? Dm.ALLOW : Dm.DENY;
            case PAIRING -> listed(a.allowFrom(), senderId, username) || approvedByOperator ? Dm.ALLOW : Dm.PAIR;
        };
    }

    /**
     * @param threadId the forum topic (null outside forums)
     */
    static GroupVerdict group(Account a, String chatId, Long threadId, String senderId, String username) {
        if (a.groupPolicy() == TelegramSettings.GroupPolicy.DISABLED) {
            return new GroupVerdict(false, true, "groupPolicy is disabled");
        }
        Group g = a.groups().get(chatId);
        Group star = a.groups().get("*");
        if (g == null && star == null && !a.groups().isEmpty()) {
            return new GroupVerdict(false, true, "group " + chatId + " is not in channels.telegram.groups");
        }
        Group eff = g != null ? g : star;
        Group topic = eff != null && threadId != null ? eff.topics().get(Long.toString(threadId)) : null;
        if (eff != null && Boolean.FALSE.equals(eff.enabled()) || topic != null && Boolean.FALSE.equals(topic.enabled())) {
            return new GroupVerdict(false, true, topic != null && Boolean.FALSE.equals(topic.enabled())
                    ? "topic " + threadId + " of group " + chatId + " is disabled" : "group " + chatId + " is disabled");
        }
        Boolean rm = topic != null && topic.requireMention() != null ? topic.requireMention()
                : g != null && g.requireMention() != null ? g.requireMention()
                : star != null && star.requireMention() != null ? star.requireMention() : null;
        boolean requireMention = rm != null ? rm : a.requireMention();
        if (a.groupPolicy() == TelegramSettings.GroupPolicy.OPEN) {
            return new GroupVerdict(true, requireMention, "groupPolicy open");
        }
        List<String> list = topic != null && topic.allowFrom() != null ? topic.allowFrom()
                : g != null && g.allowFrom() != null ? g.allowFrom()
                : star != null && star.allowFrom() != null ? star.allowFrom() : a.groupAllowFrom();
        if (listed(list, senderId, username)) {
            return new GroupVerdict(true, requireMention, "sender allowed");
        }
        return new GroupVerdict(false, requireMention, "sender " + senderId + " is not in the group allow list (groupPolicy allowlist)");
    }
}
