package dev.tollgate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.money.Rate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceFileTest {
    @TempDir
    Path dir;

    @Test
    void operatorEntryOverridesShippedEntry() throws IOException {
        Path file = write("""
                {"providers": {"openai": {"models": {
                    "gpt-4o": {"input": "3", "output": "12"}
                }}}}
                """);

        PriceCatalogue catalogue = PriceCatalogue.load(Optional.of(file));

        ModelPrice price = catalogue.find("openai", "gpt-4o-2024-08-06").orElseThrow();
        assertThat(price.tokens().input()).isEqualTo(Rate.parse("3"));
        assertThat(price.tokens().output()).isEqualTo(Rate.parse("12"));
        // The operator entry replaces the shipped one whole: cached input defaults to input.
        assertThat(price.tokens().cachedInput()).isEqualTo(Rate.parse("3"));
        ModelPrice untouched = catalogue.find("openai", "gpt-4o-mini").orElseThrow();
        assertThat(untouched.tokens().input()).isEqualTo(Rate.parse("0.15"));
    }

    @Test
    void operatorEntryAddsNewModel() throws IOException {
        Path file = write("""
                {"providers": {
                  "acme": {"source": "contract", "as_of": "2026-12-01", "models": {
                    "acme-1": {"input": 1.25, "output": 2, "note": "numbers are exact too"}
                  }}
                }}
                """);

        PriceCatalogue catalogue = PriceCatalogue.load(Optional.of(file));

        ModelPrice price = catalogue.find("acme", "acme-1").orElseThrow();
        assertThat(price.tokens().input()).isEqualTo(Rate.parse("1.25"));
        assertThat(price.tokens().output()).isEqualTo(Rate.parse("2"));
        assertThat(catalogue.all()).hasSize(49);
    }

    @Test
    void overrideCanDropLongContext() throws IOException {
        Path file = write("""
                {"providers": {"anthropic": {"models": {
                    "claude-sonnet-4-5": {"input": "3", "output": "15"}
                }}}}
                """);

        PriceCatalogue catalogue = PriceCatalogue.load(Optional.of(file));

        ModelPrice price = catalogue.find("anthropic", "claude-sonnet-4-5").orElseThrow();
        assertThat(price.longContext()).isEmpty();
        assertThat(price.tokensFor(900_000).input()).isEqualTo(Rate.parse("3"));
    }

    @Test
    void operatorLongContextIsRead() throws IOException {
        Path file = write("""
                {"providers": {"acme": {"models": {
                    "acme-1": {"input": "1", "output": "2", "long_context": {
                        "above_input_tokens": 1000, "input": "4", "output": "8"}}
                }}}}
                """);

        ModelPrice price = PriceCatalogue.load(Optional.of(file)).find("acme", "acme-1")
                .orElseThrow();

        assertThat(price.tokensFor(1000).input()).isEqualTo(Rate.parse("1"));
        assertThat(price.tokensFor(1001).input()).isEqualTo(Rate.parse("4"));
        assertThat(price.tokensFor(1001).cachedInput()).isEqualTo(Rate.parse("4"));
        assertThat(price.tokensFor(1001).output()).isEqualTo(Rate.parse("8"));
    }

    @Test
    void missingFileNamesPath() {
        Path file = dir.resolve("absent.json");

        assertThatThrownBy(() -> PriceCatalogue.load(Optional.of(file)))
                .isInstanceOf(PriceFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("could not be read");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{ | could not be parsed as JSON at line",
        "[] | the top level must be a JSON object",
        "{} | the top level is missing field 'providers'",
        "{'providers': {}, 'version': 1} | the top level has an unknown field 'version'",
        "{'providers': []} | field 'providers' must be a JSON object",
        "{'providers': {'acme': {}}} | provider 'acme' is missing field 'models'",
        "{'providers': {'Acme': {'models': {}}}} | provider 'Acme' is not a valid provider id",
        "{'providers': {'acme': {'models': {}, 'url': 'x'}}} | provider 'acme' has an unknown "
                + "field 'url'",
        "{'providers': {'acme': {'models': {}, 'as_of': 20261201}}} | provider 'acme', field "
                + "'as_of' must be a string",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'ouput': '2'}}}}} | entry "
                + "acme/m1 has an unknown field 'ouput'",
        "{'providers': {'acme': {'models': {'m1': {'input': 'abc', 'output': '2'}}}}} | entry "
                + "acme/m1, field 'input' must be a non-negative decimal string",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'output': -2}}}}} | entry "
                + "acme/m1, field 'output' must be a non-negative decimal string",
        "{'providers': {'acme': {'models': {'m1': {'input': '0.00000000001', 'output': '1'}}}}} "
                + "| entry acme/m1, field 'input' has more than 10 fractional digits",
        "{'providers': {'acme': {'models': {'m1': {'input': true, 'output': '1'}}}}} | entry "
                + "acme/m1, field 'input' must be a decimal string such as",
        "{'providers': {'acme': {'models': {'m1': {'input': '1'}}}}} | entry acme/m1 is missing "
                + "field 'output'",
        "{'providers': {'acme': {'models': {'m1': {'cached_input': '1'}}}}} | entry acme/m1 is "
                + "missing field 'input'",
        "{'providers': {'acme': {'models': {'m1': {}}}}} | entry acme/m1 has no price",
        "{'providers': {'acme': {'models': {'m1': '1.25'}}}} | entry acme/m1 must be a JSON "
                + "object",
        "{'providers': {'acme': {'models': {'m 1': {'input': '1', 'output': '1'}}}}} | entry "
                + "acme/m 1 has an invalid model id",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'output': '1', 'note': 5}}}}} "
                + "| entry acme/m1, field 'note' must be a string",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'output': '1', "
                + "'long_context': {'input': '2', 'output': '2'}}}}}} | entry acme/m1, field "
                + "'long_context' is missing field 'above_input_tokens'",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'output': '1', "
                + "'long_context': {'above_input_tokens': '9', 'input': '2', 'output': '2'}}}}}} "
                + "| entry acme/m1, field 'long_context', field 'above_input_tokens' must be a "
                + "positive whole number",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'output': '1', "
                + "'long_context': {'above_input_tokens': 0, 'input': '2', 'output': '2'}}}}}} "
                + "| field 'above_input_tokens' must be a positive whole number",
        "{'providers': {'acme': {'models': {'m1': {'input': '1', 'output': '1', "
                + "'long_context': {'above_input_tokens': 9, 'input': '2'}}}}}} | entry acme/m1, "
                + "field 'long_context' is missing field 'output'",
        "{'providers': {'acme': {'models': {'m1': {'per_minute': '1', "
                + "'long_context': {'above_input_tokens': 9, 'input': '2', 'output': '2'}}}}}} "
                + "| entry acme/m1, field 'long_context' needs token prices",
        "{'providers': {'acme': {'models': {'m1': {'per_minute': 'x'}}}}} | entry acme/m1, "
                + "field 'per_minute' must be a non-negative decimal string",
        "{'providers': {'acme': {'models': {'m1': {'per_minute': '1'}, "
                + "'m1': {'per_minute': '2'}}}}} | could not be parsed as JSON",
    })
    void malformedFileNamesEntryAndField(String json, String expected) throws IOException {
        Path file = write(json.replace('\'', '"'));

        assertThatThrownBy(() -> PriceCatalogue.load(Optional.of(file)))
                .isInstanceOf(PriceFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(expected);
    }

    @Test
    void invalidValueIsQuotedInMessage() throws IOException {
        Path file = write("""
                {"providers": {"acme": {"models": {"m1": {"input": "1,25", "output": "1"}}}}}
                """);

        assertThatThrownBy(() -> PriceCatalogue.load(Optional.of(file)))
                .isInstanceOf(PriceFileException.class)
                .hasMessageContaining("not \"1,25\"");
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, json);
        return file;
    }
}
