package io.gatehouse.channel.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Issue case 11: wrong-typed request fields are refused, naming the field, never coerced. */
class RequestFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String problem(String body) throws Exception {
        return RequestFields.problem(JSON.readTree(body));
    }

    @Test
    void wrongTypesAreNamed() throws Exception {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertEquals("stream: expected a boolean, got a string", problem("{" + user + ",\"stream\":\"yes\"}"));
        assertEquals("model: expected a string, got an integer", problem("{" + user + ",\"model\":42}"));
        assertEquals("user: expected a string, got an object", problem("{" + user + ",\"user\":{}}"));
        assertEquals("max_tokens: expected an integer, got a number", problem("{" + user + ",\"max_tokens\":1.5}"));
        assertEquals("temperature: expected a number, got a string", problem("{" + user + ",\"temperature\":\"hot\"}"));
        assertEquals("messages: expected an array, got a string", problem("{\"messages\":\"hi\"}"));
        assertEquals("messages[0]: expected an object, got a string", problem("{\"messages\":[\"hi\"]}"));
        assertEquals("messages[0].role: expected a string, got nothing", problem("{\"messages\":[{\"content\":\"hi\"}]}"));
        assertEquals("messages[0].content: expected a string or an array of parts, got an integer",
                problem("{\"messages\":[{\"role\":\"user\",\"content\":7}]}"));
        assertEquals("messages[0].content[0].text: expected a string, got a boolean",
                problem("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":true}]}]}"));
    }

    @Test
    void rightTypesNullsAndUnknownFieldsPass() throws Exception {
        assertNull(problem("{\"model\":\"gatehouse\",\"stream\":true,\"user\":\"u\",\"temperature\":0.2,\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"assistant\",\"content\":null},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{}}]}],"
                + "\"logit_bias\":{},\"tools\":[],\"seed\":null}"));
    }
}
