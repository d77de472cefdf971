package jgrad.examples.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The help text wraps at 80 columns, and Java's line breaking may break after a dot inside a
 * token (momentum=0. | 8, config. | properties); such a split reads as two words. A line that
 * ends in a dot right after a letter or digit and a next line that goes on in lower case or with
 * a digit is taken as one.
 */
class HelpWrappingTest {
    private static final Pattern SPLIT_END = Pattern.compile(".*[\\p{L}\\p{N}_]\\.$");
    private static final Pattern CONTINUES = Pattern.compile("^\\s*[\\p{Ll}\\p{N}].*");

    @Test
    void noDottedTokenIsSplitAcrossLines() {
        List<String> commands = List.of("compare-losses", "train", "predict", "lr-find", "summary", "generate-data", "loss");
        List<String> splits = new ArrayList<>();
        for (String c : commands) {
            CliRun r = CliRun.of(c, "--help");
            assertEquals(0, r.code(), c + ": " + r.err());
            List<String> lines = r.out().lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String a = lines.get(i).stripTrailing(), b = lines.get(i + 1);
                if (SPLIT_END.matcher(a).matches() && !a.endsWith("e.g.") && CONTINUES.matcher(b).matches()) {
                    splits.add(c + ": '" + a.strip() + "' / '" + b.strip() + "'");
                }
            }
        }
        assertEquals(List.of(), splits);
    }
}
