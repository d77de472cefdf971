package jgrad.nn.io;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Round trips of awkward values and hostile input for {@link Json}. */
class JsonEdgeTest {
    private static Object roundTrip(Object v) {
        Object compact = Json.parse(Json.write(v));
        assertEquals(compact, Json.parse(Json.writePretty(v)), "pretty and compact read back the same");
        return compact;
    }

    private static IllegalArgumentException rejects(String text, String where) {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
        assertTrue(e.getMessage().startsWith("Json.parse:") && e.getMessage().contains(where), text + " -> " + e.getMessage());
        return e;
    }

    @Test
    void stringsWithEveryEscapeRoundTrip() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) all.append(c);
        all.append("é ü 中文 \u2028\u2029 \uD83D\uDE00 lone \uD800 low \uDC00 end \uFFFF");
        String s = all.toString();
        assertEquals(s, roundTrip(s));
        assertEquals(Map.of(s, List.of(s)), roundTrip(Map.of(s, List.of(s))), "keys are escaped as values are");
        String written = Json.write("\u0000\u001f\u007f");
        assertEquals("\"\\u0000\\u001f\u007f\"", written, "control characters escaped, DEL kept");
    }

    @Test
    void readsEscapesAsTheyAreWritten() {
        assertEquals("\uD83D\uDE00", Json.parse("\"\\ud83d\\uDE00\""), "surrogate pair from two \\u escapes");
        assertEquals("/\b\f\n\r\t\"\\", Json.parse("\"\\/\\b\\f\\n\\r\\t\\\"\\\\\""));
        assertEquals("Aé", Json.parse("\"\\u0041\\u00E9\""));
    }

    @Test
    void numbersKeepTheirValueAndKind() {
        for (long x : new long[]{0, -1, (1L << 53) + 1, -(1L << 53) - 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(x, roundTrip(x), "integers beyond 2^53 stay exact longs");
        }
        assertEquals(7L, roundTrip(7));
        for (double d : new double[]{0.0, 1e-7, -1e-7, 1e300, -1e300, 1e15, 123456789012345.0, 0.1, -2.5,
                Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 4.9e-324, (double) (1L << 60)}) {
            Object back = roundTrip(d);
            assertInstanceOf(Double.class, back, "a double stays a double: " + d);
            assertEquals(d, (double) (Double) back, "value of " + d);
        }
        for (float f : new float[]{0.1f, Float.MAX_VALUE, Float.MIN_VALUE, -3.3e-20f}) {
            assertEquals(f, (float) (double) (Double) roundTrip(f), "float " + f);
        }
        assertEquals(1e300, Json.parse("1E+300"));
        assertEquals(1e-7, Json.parse("1e-7"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(0L, Json.parse("-0"));
        assertEquals(1e20, Json.parse("100000000000000000000"), "an integer beyond a long becomes a double");
    }

    @Test
    void negativeZeroKeepsItsSign() {
        Object back = roundTrip(-0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) back), Json.write(-0.0));
        back = roundTrip(-0.0f);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) back), Json.write(-0.0f));
        assertEquals(List.of(-0.0, 0.0), roundTrip(new float[]{-0.0f, 0f}));
    }

    @Test
    void nonFiniteNumbersAreRefusedBothWays() {
        for (Object v : new Object[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN,
                Float.NEGATIVE_INFINITY, List.of(1.0, Double.NaN), new double[]{Double.POSITIVE_INFINITY},
                new float[]{Float.NaN}, Map.of("loss", Double.NaN)}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.write(v));
            assertTrue(e.getMessage().contains("cannot be written as JSON"), e.getMessage());
        }
        rejects("NaN", "at character 0");
        rejects("Infinity", "at character 0");
        rejects("-Infinity", "at character 1");
        rejects("[1, NaN]", "at character 4");
    }

    @Test
    void numbersOutOfDoubleRangeAreRejectedNotInfinite() {
        rejects("1e400", "at character");
        rejects("[-1e999]", "at character");
        rejects("1" + "0".repeat(400), "at character");
        assertEquals(0.0, Json.parse("1e-400"), "underflow to zero is a valid rounding");
    }

    @Test
    void nestedAndEmptyContainersRoundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("", "");
        m.put("empty_list", List.of());
        m.put("empty_map", Map.of());
        m.put("deep", List.of(List.of(List.of(Map.of("x", List.of(1L, List.of()))))));
        m.put("ints", new int[]{});
        m.put("mixed", List.of(1L, "a", Map.of(), List.of(), true, 2.5));
        List<Object> withNull = new ArrayList<>();
        withNull.add(null);
        m.put("nulls", withNull);
        Map<?, ?> back = (Map<?, ?>) roundTrip(m);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
        assertEquals(List.of(), back.get("ints"));
        assertEquals(m.get("deep"), back.get("deep"));
        assertEquals(m.get("mixed"), back.get("mixed"));
        assertEquals(withNull, back.get("nulls"));
        assertEquals("{}", Json.writePretty(Map.of()));
        assertEquals("[]", Json.writePretty(List.of()));
    }

    @Test
    void malformedTextNamesThePosition() {
        rejects("[1,]", "at character 3");
        rejects("[1 2]", "at character 3");
        rejects("[1,,2]", "at character 3");
        rejects("{\"a\":}", "at character 5");
        rejects("{1:2}", "at character 1");
        rejects("{\"a\":1,}", "at character 7");
        rejects("{\"a\":1 \"b\":2}", "at character 7");
        rejects("\"abc", "at character 4");
        rejects("\"a\nb\"", "at character 2");
        rejects("\"a\\", "at character 3");
        rejects("\"\\x\"", "at character 2");
        rejects("\"\\u12\"", "at character");
        rejects("\"\\u12G4\"", "at character");
        rejects("00", "at character");
        rejects("-01", "at character");
        rejects("1e+", "at character 3");
        rejects("1.e5", "at character 2");
        rejects("{\"a\":1} x", "at character 8");
        rejects("nul", "at character 0");
        rejects("truex", "at character 4");
        rejects("truth", "at character 0");
        rejects("'a'", "at character 0");
        rejects("\uFEFF{}", "at character 0");
        rejects("   ", "at character 3");
    }

    @Test
    void unicodeEscapeTakesExactlyFourHexDigits() {
        // Integer.parseInt would take a sign as part of the number
        rejects("\"\\u+041\"", "at character");
        rejects("\"\\u-041\"", "at character");
        rejects("\"\\u 041\"", "at character");
    }

    @Test
    void numbersTakeOnlyAsciiDigits() {
        // Arabic-Indic and fullwidth digits are not JSON digits
        rejects("1\u0661", "at character 1");
        rejects("-\u0661", "at character 1");
        rejects("1.\u0665", "at character 2");
        rejects("1e\uFF15", "at character 2");
    }

    @Test
    void hostileNestingFailsCleanly() {
        for (String open : new String[]{"[", "{\"a\":"}) {
            String text = open.repeat(200_000);
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
            assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        }
        String ok = "[".repeat(300) + "]".repeat(300);
        assertInstanceOf(List.class, Json.parse(ok));
    }
}
