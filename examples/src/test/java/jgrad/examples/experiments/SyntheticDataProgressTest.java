package jgrad.examples.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generating the synthetic set at seed B's scale (17,630 images at 96x96) takes minutes, so the
 * log shows its progress (images done of the total), not just a start line.
 */
class SyntheticDataProgressTest {
    @TempDir
    Path tmp;

    @Test
    void generationReportsImagesDoneOfTheTotal() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            SyntheticData.ensure(tmp, 30, 8, 1, log);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("30/30 images"), out);
    }
}
