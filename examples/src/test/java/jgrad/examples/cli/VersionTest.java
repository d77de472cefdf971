package jgrad.examples.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jgrad --version} prints the POM's version (which the build writes into version.properties). */
class VersionTest {
    @Test
    void versionIsThePomsVersion() throws Exception {
        Matcher m = Pattern.compile("(?s)<parent>.*?<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "the examples POM names its parent's version");
        for (String flag : new String[]{"--version", "-V"}) {
            CliRun r = CliRun.of(flag);
            assertEquals(0, r.code(), r.err());
            assertEquals("jgrad " + m.group(1), r.out().strip());
        }
    }
}
