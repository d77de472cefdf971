package jgrad.nn.io;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest {
    @Test
    void parsesAllValueKinds() {
        Object v = Json.parse(" {\"a\": [1, -2.5, 3e2, true, false, null], \"s\": \"x\\n\\\"y\\\" \\u00e9\", \"o\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2.5, 300.0, true, false), ((List<?>) m.get("a")).subList(0, 5));
        assertNull(((List<?>) m.get("a")).get(5));
        assertEquals("x\n\"y\" é", m.get("s"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(List.of("a", "s", "o"), List.copyOf(m.keySet()), "key order kept");
    }

    @Test
    void writesAndReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", 0.001);
        m.put("step", 42L);
        m.put("whole", 3.0);
        m.put("name", "tab\tquote\"back\\slash");
        m.put("list", List.of(1L, 2.5, "x"));
        m.put("floats", new float[]{0.5f, -1f});
        m.put("nested", Map.of("k", List.of()));
        Object back = Json.parse(Json.write(m));
        Map<?, ?> b = (Map<?, ?>) back;
        assertEquals(0.001, b.get("lr"));
        assertEquals(42L, b.get("step"));
        assertEquals(3.0, b.get("whole"), "a double stays a double");
        assertEquals(m.get("name"), b.get("name"));
        assertEquals(List.of(0.5, -1.0), b.get("floats"));
        assertEquals(Json.parse(Json.write(m)), Json.parse(Json.writePretty(m)));
        assertTrue(Json.writePretty(m).contains("\n  \"lr\": 0.001"), Json.writePretty(m));
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[]{"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "tru", "\"abc", "{\"a\":1} x",
                "{\"a\":1,\"a\":2}", "\"\\q\"", "-"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Json.parse:"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(10_000)));
    }

    @Test
    void writesEveryKindOfNumberWithItsValue() {
        // longValue() would have written 1.5 as 1 and wrapped the big integer around
        assertEquals("[1.5,123456789012345678901234567890,5E+2,7,8,9.0]", Json.write(List.of(new java.math.BigDecimal("1.5"),
                new java.math.BigInteger("123456789012345678901234567890"), new java.math.BigDecimal("5E+2"),
                new java.util.concurrent.atomic.AtomicInteger(7), (short) 8, new java.util.concurrent.atomic.DoubleAdder() {{ add(9); }})));
        assertEquals(List.of(1.5, 1.2345678901234568e29, 500.0), Json.parse(Json.write(List.of(new java.math.BigDecimal("1.5"),
                new java.math.BigInteger("123456789012345678901234567890"), new java.math.BigDecimal("5E+2")))));
    }
}
