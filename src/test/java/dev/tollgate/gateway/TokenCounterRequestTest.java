package dev.tollgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

class TokenCounterRequestTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return MAPPER.readTree(text.replace('\'', '"'));
    }

    private static int count(String model, String body) throws Exception {
        return TokenCounter.countRequestInput(model, json(body));
    }

    private static int text(String model, String text) {
        return TokenCounter.countText(model, text);
    }

    @Test
    void chatMessageAddsFramingTokens() throws Exception {
        String body = "{'model':'gpt-4','messages':[{'role':'user','content':'hello world'}]}";

        // 3 framing + "user" 1 + "hello world" 2 + 3 reply priming.
        assertThat(count("gpt-4", body)).isEqualTo(9);
    }

    @Test
    void chatCountsEveryMessageAndName() throws Exception {
        String body = "{'messages':[{'role':'system','content':'Be brief.'},"
                + "{'role':'user','name':'ada','content':'hello world'}]}";
        int expected = 3 + 1 + text("gpt-4o", "Be brief.")
                + 3 + 1 + 2 + 1 + text("gpt-4o", "ada")
                + 3;

        assertThat(count("gpt-4o", body)).isEqualTo(expected);
    }

    @Test
    void chatContentPartsCountTextOnly() throws Exception {
        String body = "{'messages':[{'role':'user','content':[{'type':'text','text':'hello world'},"
                + "{'type':'image_url','image_url':{'url':'https://example.com/a.png'}},"
                + "{'type':'text','text':'tiktoken is great!'}]}]}";

        assertThat(count("gpt-4", body)).isEqualTo(3 + 1 + 2 + 6 + 3);
    }

    @Test
    void chatToolCallsCountArguments() throws Exception {
        String body = "{'messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'c1',"
                + "'type':'function','function':{'name':'get_time','arguments':'{}'}}]}]}";
        int expected = 3 + text("gpt-4o", "assistant") + text("gpt-4o", "get_time")
                + text("gpt-4o", "{}") + 3;

        assertThat(count("gpt-4o", body)).isEqualTo(expected);
    }

    @Test
    void anthropicCountsSystemAndBlocks() throws Exception {
        String body = "{'model':'claude-sonnet-4-5','max_tokens':64,"
                + "'system':[{'type':'text','text':'Be brief.'}],"
                + "'messages':[{'role':'user','content':'hello world'},"
                + "{'role':'assistant','content':[{'type':'text','text':'tiktoken is great!'}]}]}";
        int expected = text("claude-sonnet-4-5", "Be brief.") + 2 + 6;

        assertThat(count("claude-sonnet-4-5", body)).isEqualTo(expected);
    }

    @Test
    void anthropicSystemStringWithoutClaudeModel() throws Exception {
        String body = "{'system':'Be brief.','messages':[{'role':'user','content':'hello world'}]}";

        assertThat(count("my-model", body)).isEqualTo(text("my-model", "Be brief.") + 2);
    }

    @Test
    void anthropicToolResultCountsContent() throws Exception {
        String body = "{'messages':[{'role':'user','content':[{'type':'tool_result',"
                + "'tool_use_id':'t1','content':[{'type':'text','text':'hello world'}]}]}]}";

        assertThat(count("any-model", body)).isEqualTo(2);
    }

    @Test
    void embeddingsStringAndArrayInput() throws Exception {
        String array = "{'input':['hello world','tiktoken is great!']}";

        assertThat(count("text-embedding-3-small", "{'input':'hello world'}")).isEqualTo(2);
        assertThat(count("text-embedding-3-small", array)).isEqualTo(8);
    }

    @Test
    void embeddingsTokenIdsCountOneEach() throws Exception {
        assertThat(count("text-embedding-3-small", "{'input':[15339, 1917]}")).isEqualTo(2);
        assertThat(count("text-embedding-3-small", "{'input':[[15339],[1917, 0]]}")).isEqualTo(3);
    }

    @Test
    void responsesCountsInstructionsAndItems() throws Exception {
        String body = "{'model':'gpt-4o','instructions':'Be brief.','input':["
                + "{'role':'user','content':'hello world'},"
                + "{'role':'user','content':[{'type':'input_text','text':'tiktoken is great!'}]},"
                + "{'type':'function_call_output','call_id':'c1','output':'hello world'}]}";
        int expected = text("gpt-4o", "Be brief.") + 2 + 6 + 2;

        assertThat(count("gpt-4o", body)).isEqualTo(expected);
    }

    @Test
    void responsesStringInput() throws Exception {
        assertThat(count("gpt-4o", "{'model':'gpt-4o','input':'hello world'}")).isEqualTo(2);
    }

    @Test
    void legacyPromptCountsText() throws Exception {
        assertThat(count("davinci-002", "{'prompt':['hello world','hello world']}")).isEqualTo(4);
    }

    @Test
    void geminiCountsContentsAndSystem() throws Exception {
        String body = "{'systemInstruction':{'parts':[{'text':'Be brief.'}]},"
                + "'contents':[{'role':'user','parts':[{'text':'hello world'}]},"
                + "{'role':'model','parts':[{'text':'tiktoken is great!'}]}]}";
        int expected = text("gemini-2.5-flash", "Be brief.") + 2 + 6;

        assertThat(count("gemini-2.5-flash", body)).isEqualTo(expected);
    }

    @Test
    void unknownShapeCountsStringValues() throws Exception {
        String body = "{'model':'tiktoken is great!','query':{'text':'hello world','k':3},"
                + "'tags':['hello world']}";

        assertThat(count("gpt-4", body)).isEqualTo(4);
    }

    @Test
    void nullAndNonObjectBodies() throws Exception {
        assertThat(TokenCounter.countRequestInput("gpt-4o", null)).isZero();
        assertThat(TokenCounter.countRequestInput("gpt-4o", NullNode.getInstance())).isZero();
        assertThat(count("gpt-4o", "['hello world']")).isEqualTo(2);
        assertThat(count("gpt-4o", "'hello world'")).isEqualTo(2);
    }

    @Test
    void oddShapesNeverThrow() {
        String[] bodies = {
            "{'messages':'hello world'}",
            "{'messages':[1, null, 'x', {'content':{'text':'hi'}}]}",
            "{'contents':{'parts':'x'}}",
            "{'contents':[null, {'parts':[null, 3]}]}",
            "{'input':{'role':'user'}}",
            "{'input':[null, true, 1.5, {}]}",
            "{'system':7,'messages':[{'content':[{'type':'tool_use','input':null}]}]}",
            "{'model':null}",
        };
        for (String body : bodies) {
            assertThatCode(() -> count("gpt-4o", body)).as(body).doesNotThrowAnyException();
        }
    }
}
