package jgrad.examples.experiments;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @TempDir
    Path tmp;

    @Test
    void fileOverridesDefaultsAndOptionsOverrideTheFile() throws Exception {
        Path f = tmp.resolve("run.properties");
        Files.writeString(f, "# a comment\nmodel = dsresnet\nepochs=7\nlr : 0.05\n");
        Map<String, String> cli = new LinkedHashMap<>();
        cli.put("epochs", "2");
        cli.put("batch", null); // an option that was not given
        Config c = Config.load(f, cli);
        assertEquals("dsresnet", c.string("model"));          // from the file
        assertEquals(2, c.integer("epochs", 1));               // the command line beats the file
        assertEquals(0.05, c.number("lr"), 0);                 // "key : value" is properties syntax too
        assertEquals(Config.defaults().string("batch"), c.string("batch")); // untouched default
        assertEquals(Config.KEYS.get("batch")[0], c.string("batch"));
    }

    @Test
    void savedPropertiesReadBackToTheSameValues() throws Exception {
        Config c = Config.defaults().with(Map.of("seg-loss", "dice-b", "width", "3"), "test");
        Path f = tmp.resolve("saved.properties");
        Files.writeString(f, c.toProperties());
        assertEquals(c.asMap(), Config.load(f, Map.of()).asMap());
    }

    @Test
    void errorsNameTheKeyTheValueAndTheFile() throws Exception {
        Path f = tmp.resolve("bad.properties");
        Files.writeString(f, "modle = resunet\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Config.load(f, Map.of()));
        assertTrue(e.getMessage().contains("unknown key 'modle'") && e.getMessage().contains(f.toString())
                && e.getMessage().contains("model"), e.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> Config.load(tmp.resolve("nope.properties"), Map.of()));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Config c = Config.defaults().with("epochs", "three");
        var n = assertThrows(IllegalArgumentException.class, () -> c.integer("epochs", 1));
        assertTrue(n.getMessage().contains("epochs must be an integer, got 'three'"), n.getMessage());
        var low = assertThrows(IllegalArgumentException.class, () -> Config.defaults().with("batch", "0").integer("batch", 1));
        assertTrue(low.getMessage().contains("batch must be >= 1"), low.getMessage());
        var ch = assertThrows(IllegalArgumentException.class, () -> Config.defaults().with("optimizer", "rmsprop").choice("optimizer", "sgd", "adamw"));
        assertTrue(ch.getMessage().contains("got 'rmsprop'"), ch.getMessage());
        assertFalse(Config.defaults().with("augment", "no").bool("augment"));
        assertThrows(IllegalArgumentException.class, () -> Config.defaults().with("augment", "maybe").bool("augment"));
    }

    @Test
    void aFolderOrABinaryFileGivenAsConfigIsNamedWithTheCause() throws Exception {
        var folder = assertThrows(java.io.IOException.class, () -> Config.load(tmp, Map.of()));
        assertTrue(folder.getMessage().startsWith("cannot read config file " + tmp + ": "), folder.getMessage());
        Path bin = tmp.resolve("weights.npy");
        Files.write(bin, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) 0xff, (byte) 0xfe});
        var binary = assertThrows(IllegalArgumentException.class, () -> Config.load(bin, Map.of()));
        assertTrue(binary.getMessage().contains("config file " + bin + " is not UTF-8 text"), binary.getMessage());
    }

    @Test
    void shippedConfigFilesParseAndQuickEqualsTheDefaults() throws Exception {
        Path dir = Path.of("configs");
        for (String f : new String[]{"quick.properties", "seed-b-final.properties", "seed-a-loss-test.properties"}) {
            Config c = Config.load(dir.resolve(f), Map.of());
            c.integer("epochs", 1);
            c.choice("optimizer", "sgd", "adam", "adamw");
            c.choice("scheduler", "none", "step", "plateau", "onecycle");
        }
        Config quick = Config.load(dir.resolve("quick.properties"), Map.of());
        assertEquals(Config.defaults().asMap(), quick.asMap());
        assertEquals(128, Config.load(dir.resolve("seed-b-final.properties"), Map.of()).integer("batch", 1));
    }
}
