package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's help page, as a new user reads it: whole words, real placeholders, the exit codes, a version. */
class HelpTextTest {

    /** Every command's name path, the top level first ("" for it), then each sub-command. */
    static List<String> commands() {
        List<String> names = new ArrayList<>(List.of(""));
        new CommandLine(new Main()).getSubcommands().keySet().stream().filter(n -> !n.equals("help")).forEach(names::add);
        return names;
    }

    private static String[] help(String command) {
        return command.isEmpty() ? MainTest.run("--help") : MainTest.run(command, "--help");
    }

    @Test
    void no_help_page_splits_a_word_such_as_dot_slash_netdsl_across_lines() {
        for (String command : commands()) {
            String page = help(command)[1];
            // The page read as one line: a line break becomes a space, a word broken after its hyphen is joined again.
            String joined = page.replaceAll("(\\w)-\\s+", "$1-").replaceAll("\\s+", " ");
            for (String text : descriptions(command)) {
                for (String word : text.replace("%n", " ").split("\\s+")) {
                    if (!word.isEmpty() && !word.contains("${")) {
                        assertThat(joined).as("'%s' whole in the help of netdsl %s:%n%s", word, command, page).contains(word);
                    }
                }
            }
        }
    }

    /** The texts a command's page shows: its description, its options' and parameters', its sub-commands', the footer. */
    private static List<String> descriptions(String command) {
        CommandLine top = new CommandLine(new Main());
        CommandSpec spec = command.isEmpty() ? top.getCommandSpec() : top.getSubcommands().get(command).getCommandSpec();
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        spec.options().forEach(o -> texts.addAll(List.of(o.description())));
        spec.positionalParameters().forEach(p -> texts.addAll(List.of(p.description())));
        // The command list shows the first line of each sub-command's description.
        spec.subcommands().values().forEach(c -> texts.add(c.getCommandSpec().usageMessage().description()[0].split("%n")[0]));
        texts.addAll(List.of(spec.usageMessage().footer()));
        return texts;
    }

    @Test
    void placeholders_are_words_for_the_reader_not_java_field_names() {
        for (String command : commands()) {
            String page = help(command)[1];
            assertThat(page).as("netdsl %s --help", command).doesNotContainPattern("(=|\\s|\\[)<[A-Za-z]+>");
        }
        assertThat(help("mnist")[1]).contains("--data-dir=DIR").contains("--batch-size=N").contains("--epochs=N").contains("--lr=LR");
        assertThat(help("poly")[1]).contains("--steps, --max-steps=N");
    }

    @Test
    void every_command_lists_the_exit_codes_and_answers_version() {
        for (String command : commands()) {
            assertThat(help(command)[1]).as("netdsl %s --help", command).contains("Exit codes:").contains("0  the command did")
                    .contains("1  it failed").contains("2  bad usage");
            String[] v = command.isEmpty() ? MainTest.run("--version") : MainTest.run(command, "--version");
            assertThat(v[0]).isEqualTo("0");
            assertThat(v[1].strip()).as("netdsl %s --version", command).isEqualTo(Main.VERSION);
        }
    }

    @Test
    void help_is_a_command_and_score_is_in_the_command_list() {
        String[] list = MainTest.run("help");
        assertThat(list[0]).isEqualTo("0");
        assertThat(list[1]).startsWith("Usage: netdsl").contains("Commands:").doesNotContain("Did you mean");
        String[] mnist = MainTest.run("help", "mnist");
        assertThat(mnist[1]).startsWith("Usage: netdsl mnist");
        // The scorer lives in the spark module; the list names it, and run here it says how to run it.
        assertThat(list[1]).containsPattern("\\n  score +Score a Parquet or CSV file with a saved NetDSL model");
        String[] score = MainTest.run("score", "m.netdsl", "--input", "x.csv", "--output", "o");
        assertThat(score[0]).isEqualTo("1");
        assertThat(score[2]).contains("./netdsl score MODEL --input FILE --out DIR").doesNotContain("\tat ");
    }
}
