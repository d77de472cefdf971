package jgrad.nn.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class ProgressBarTest {
    static final long SEC = 1_000_000_000L;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    final AtomicLong now = new AtomicLong(0);

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static Map<String, Double> values(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        return m;
    }

    @Test
    void finalLineMatchesTheSeedFormat() {
        ProgressBar bar = new ProgressBar(2188, out, now::get, false);
        now.set(838 * SEC);
        bar.update(2188, values("loss", 0.1234));
        bar.finish(values("loss", 0.1234, "rmse", 0.0210, "iou", 0.8930));
        // 838 s / 2188 steps = 0.383 s
        assertEquals("2188/2188 [==============================] - 838s 383ms/step - loss: 0.1234 - rmse: 0.0210 - iou: 0.8930"
                + System.lineSeparator(), text());
    }

    @Test
    void terminalModeRedrawsInPlaceWithElapsedAndEta() {
        ProgressBar bar = new ProgressBar(4, out, now::get, true);
        now.set(SEC);
        bar.update(1, values("loss", 0.5));
        // 30·1/4 = 7 cells: six '=' and the '>' head; ETA = 1 s/step · 3 steps
        String first = "\r1/4 [" + "=".repeat(6) + ">" + ".".repeat(23) + "] - 1s - ETA: 3s - loss: 0.5000";
        assertEquals(first, text());
        now.set(SEC + 10_000_000L); // 10 ms later: too soon to redraw
        bar.update(2, values("loss", 0.4));
        assertEquals(first, text());
        now.set(3 * SEC);
        bar.update(3, values("loss", 0.3));
        String third = "\r3/4 [" + "=".repeat(21) + ">" + ".".repeat(8) + "] - 3s - ETA: 1s - loss: 0.3000";
        assertEquals(first + third, text());
        now.set(4 * SEC);
        bar.finish(values("loss", 0.25, "val_loss", 2e-4));
        String last = "\r4/4 [" + "=".repeat(30) + "] - 4s 1s/step - loss: 0.2500 - val_loss: 2.0000e-04";
        assertEquals(first + third + last + System.lineSeparator(), text());
        assertFalse(text().substring(0, text().length() - System.lineSeparator().length()).contains("\n"),
                "a terminal gets one line, redrawn");
    }

    @Test
    void terminalModePadsAShorterLineToEraseTheLongerOne() {
        ProgressBar bar = new ProgressBar(100, out, now::get, true);
        now.set(SEC);
        bar.update(1, values("loss", 12345.0));
        String a = text();
        now.set(2 * SEC);
        bar.update(2, values());
        String b = text().substring(a.length());
        assertEquals(a.length(), b.length(), "second line padded to the first's length");
        assertTrue(b.endsWith(" "));
    }

    @Test
    void plainModePrintsAtEachTenthAndAFinalLine() {
        ProgressBar bar = new ProgressBar(20, out, now::get, false);
        for (int i = 1; i <= 20; i++) {
            now.set(i * SEC);
            bar.update(i, values("loss", 1.0 / i));
        }
        bar.finish(values("loss", 0.05));
        String[] lines = text().split(System.lineSeparator());
        assertFalse(text().contains("\r"));
        assertEquals(10, lines.length, text()); // steps 2, 4, …, 18, then the final line
        assertEquals(" 2/20 [==>" + ".".repeat(27) + "] - 2s - ETA: 18s - loss: 0.5000", lines[0]);
        assertTrue(lines[8].startsWith("18/20 ["), lines[8]);
        assertEquals("20/20 [" + "=".repeat(30) + "] - 20s 1s/step - loss: 0.0500", lines[9]);
    }

    @Test
    void plainModeAlsoPrintsAfterTheIntervalAndHandlesUnknownTotals() {
        ProgressBar bar = new ProgressBar(0, out, now::get, false, 3);
        for (int i = 1; i <= 10; i++) {
            now.set(i * SEC);
            bar.update(i, values());
        }
        bar.finish(values());
        assertEquals(String.join(System.lineSeparator(), "3/Unknown - 3s", "6/Unknown - 6s", "9/Unknown - 9s",
                "10/Unknown - 10s 1s/step") + System.lineSeparator(), text());
    }

    @Test
    void formatsDurationsStepTimesAndNumbers() {
        assertEquals("59s", ProgressBar.duration(59.4));
        assertEquals("13:42", ProgressBar.duration(822));
        assertEquals("1:02:03", ProgressBar.duration(3723));
        assertEquals("383ms/step", ProgressBar.perStep(0.383));
        assertEquals("250us/step", ProgressBar.perStep(0.00025));
        assertEquals("nan", ProgressBar.number(Double.NaN));
        assertEquals("inf", ProgressBar.number(Double.POSITIVE_INFINITY));
        assertEquals("0.0000", ProgressBar.number(0.0));
        assertEquals(">" + ".".repeat(29), ProgressBar.bar(0, 10));
    }

    @Test
    void rejectsUpdatesAfterFinish() {
        ProgressBar bar = new ProgressBar(2, out, now::get, false);
        bar.finish(values());
        assertThrows(IllegalStateException.class, () -> bar.update(1, values()));
    }
}
