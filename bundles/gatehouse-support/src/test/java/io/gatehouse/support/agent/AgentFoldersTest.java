package io.gatehouse.support.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class AgentFoldersTest {
    @Test
    void idsBecomeFolderNames() {
        assertEquals("my-bot", AgentFolders.name("My Bot"));
        assertEquals("main", AgentFolders.name("../.."));
        assertEquals("main", AgentFolders.name(null));
        assertEquals("main", AgentFolders.name("  "));
        assertEquals("a-b_c", AgentFolders.name("-A  B_c-"), "runs of other characters are one dash; none at either end");
        assertEquals("a--b", AgentFolders.name("a--b"), "dashes are allowed characters");
        assertEquals("a--b", AgentFolders.name("a-!b"), "a run of other characters is a dash of its own, as routing's");
        assertEquals("a---b", AgentFolders.name("a - b"));
        assertEquals("ab-", AgentFolders.name("AB-"), "an id of the grammar keeps its last dash, as routing's");
        assertEquals("_x", AgentFolders.name("_x"));
        assertEquals("x".repeat(64), AgentFolders.name("X".repeat(70)));
        assertEquals("x".repeat(64), AgentFolders.name("-" + "X".repeat(70)), "the cut comes after the leading dash goes");
        String plain = "support-bot_2";
        assertSame(plain, AgentFolders.name(plain), "a routed id is its own folder name");
    }
}
