package io.gatehouse.routing.resolve;

import java.util.Set;

/** The guild, team and member roles of a message, against which binding constraints are checked. */
record Scope(String guildId, String teamId, Set<String> memberRoleIds) {
}
