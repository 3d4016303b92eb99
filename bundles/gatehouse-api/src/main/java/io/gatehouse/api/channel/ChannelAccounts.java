package io.gatehouse.api.channel;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optionally implemented by a {@link ChannelAdapter} whose channel has accounts (several bots, several
 * numbers): {@code channels:list} shows one line per account under the channel.
 *
 * @since 0.4
 */
@ConsumerType
public interface ChannelAccounts {

    /** Row key: the account id. */
    String ACCOUNT_ID = "accountId";
    /** Row key: the account's state ({@code polling}, {@code webhook}, {@code stopped}, {@code failed}, ...). */
    String STATE = "state";
    /** Row key: the last error, or null; never a secret. */
    String LAST_ERROR = "lastError";
    /** Row key: messages received and handed to agents. */
    String MESSAGES_IN = "messagesIn";
    /** Row key: messages sent. */
    String MESSAGES_OUT = "messagesOut";

    /**
     * One row per configured account, in a stable order: at least {@link #ACCOUNT_ID} and {@link #STATE};
     * other keys are channel-specific facts. Values are plain JSON values; never secrets.
     */
    List<Map<String, Object>> accounts();
}
