package jgrad.examples;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/java-env.sh, which ./jgrad, ./run-tests and gpu/bundle.sh source, in a controlled
 * environment: JGRAD_JDK_SEARCH replaces the machine's install folders, the PATH holds only the
 * few tools the script uses plus what each case puts there, and HOME is unset. A "JDK 25" is a
 * folder whose bin/java and bin/javac hand over to the JDK running this test (so it is found at
 * its own path, not where the machine installed it); a "JDK 17" only reports that version.
 */
class JavaEnvScriptTest {
    @TempDir
    Path tmp;
    Path script, jdk25, tools, emptyRoot;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        script = Path.of("..", "scripts", "java-env.sh").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(script), "runs from the source tree");
        jdk25 = Path.of(System.getProperty("java.home")).toRealPath();
        assumeTrue(Runtime.version().feature() >= 25 && Files.isExecutable(jdk25.resolve("bin/javac")),
                "the test JVM is a JDK 25 with javac");
        tools = Files.createDirectories(tmp.resolve("tools"));
        for (String t : new String[] {"sed", "head", "readlink", "dirname"}) {
            Path p = Files.isExecutable(Path.of("/usr/bin", t)) ? Path.of("/usr/bin", t) : Path.of("/bin", t);
            assumeTrue(Files.isExecutable(p), "needs " + t);
            Files.createSymbolicLink(tools.resolve(t), p);
        }
        emptyRoot = Files.createDirectories(tmp.resolve("no-jdks"));
    }

    /** A folder that looks like a JDK: bin/java and bin/javac run the given shell line. */
    static Path fakeJdk(Path home, String body) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        for (String b : new String[] {"java", "javac"}) {
            Path f = home.resolve("bin").resolve(b);
            Files.writeString(f, "#!/bin/sh\n" + body.replace("BIN", b) + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    Path jdk25(Path home) throws IOException {
        return fakeJdk(home, "exec '" + jdk25.resolve("bin") + "'/BIN \"$@\"");
    }

    static Path jdk17(Path home) throws IOException {
        return fakeJdk(home, "echo '    java.specification.version = 17' >&2");
    }

    record Result(int rc, String out, String err) {}

    Result find(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c",
                "set -euo pipefail; . \"$0\"; jgrad_find_jdk; echo \"$JAVA_HOME\"", script.toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java-env.sh did not finish");
        return new Result(p.exitValue(), out, Files.readString(tmp.resolve("err.txt")));
    }

    @Test
    void aJdk25ReachableOnlyThroughThePathIsUsed() throws Exception {
        Path home = jdk25(tmp.resolve("unpacked jdk-25"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), home.resolve("bin/java"));
        Result r = find(Map.of("PATH", bin + ":" + tools, "JGRAD_JDK_SEARCH", emptyRoot.toString()));
        assertEquals(0, r.rc(), r.err());
        assertEquals(home.toString(), r.out());
    }

    @Test
    void aJavaHomeOlderThan25OrMissingIsPassedOver() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("jdks"));
        jdk25(root.resolve("jdk-25"));
        for (String javaHome : new String[] {jdk17(tmp.resolve("jdk17")).toString(), tmp.resolve("gone").toString()}) {
            Result r = find(Map.of("PATH", tools.toString(), "JGRAD_JDK_SEARCH", emptyRoot + ":" + root,
                    "JAVA_HOME", javaHome));
            assertEquals(0, r.rc(), r.err());
            assertEquals(root.resolve("jdk-25").toString(), r.out(), "JAVA_HOME " + javaHome);
        }
    }

    /** A java that does not run (wrong architecture, broken install) must not end ./jgrad under set -e. */
    @Test
    void aJdkWhoseJavaDoesNotRunIsPassedOver() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("jdks"));
        fakeJdk(root.resolve("a-broken"), "exit 1");
        jdk25(root.resolve("jdk-25"));
        Result r = find(Map.of("PATH", tools.toString(), "JGRAD_JDK_SEARCH", root.toString()));
        assertEquals(0, r.rc(), r.err());
        assertEquals(root.resolve("jdk-25").toString(), r.out());
    }

    @Test
    void aJavaHomeThatNamesNoJdkGetsALineAnOlderJdkNone() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("jdks"));
        Path jdk = jdk25(root.resolve("jdk-25"));
        Path file = Files.writeString(tmp.resolve("a file"), "");
        Path broken = fakeJdk(tmp.resolve("broken"), "exit 1");
        Map<String, String> cases = Map.of(tmp.resolve("gone").toString(), "not a folder", file.toString(), "not a folder",
                broken.toString(), "its bin/java does not run", emptyRoot.toString(), "no bin/java in it");
        for (var c : cases.entrySet()) {
            Result r = find(Map.of("PATH", tools.toString(), "JGRAD_JDK_SEARCH", root.toString(), "JAVA_HOME", c.getKey()));
            assertEquals(0, r.rc(), r.err());
            assertEquals(jdk.toString(), r.out());
            assertTrue(r.err().contains("JAVA_HOME=" + c.getKey() + " is passed over (" + c.getValue())
                    && r.err().contains("using " + jdk), r.err());
        }
        Result r = find(Map.of("PATH", tools.toString(), "JGRAD_JDK_SEARCH", root.toString(),
                "JAVA_HOME", jdk17(tmp.resolve("jdk17")).toString()));
        assertEquals(jdk.toString(), r.out());
        assertEquals("", r.err(), "a JAVA_HOME older than 25 is passed over quietly, as the README says");
        r = find(Map.of("PATH", tools.toString(), "JGRAD_JDK_SEARCH", emptyRoot.toString(), "JAVA_HOME", jdk + "/"));
        assertEquals(jdk.toString(), r.out(), "a trailing slash is dropped");
    }

    @Test
    void withNoJdk25ItSaysWhereItLookedAndWhatToInstall() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("old jdks"));
        Path old = jdk17(root.resolve("jdk-17"));
        Path broken = fakeJdk(root.resolve("broken"), "exit 1");
        Path jre = jdk25(root.resolve("jre-25"));
        Files.delete(jre.resolve("bin/javac"));
        Result r = find(Map.of("PATH", old.resolve("bin") + ":" + tools, "JGRAD_JDK_SEARCH", root.toString(),
                "JAVA_HOME", old.toString()));
        assertEquals(1, r.rc(), r.out());
        assertEquals("", r.out());
        for (String s : new String[] {"JDK 25 or newer", "Looked at", "(" + old + ")", "the java on the PATH",
                root.toString(), "Temurin 25", "point JAVA_HOME at it", "Passed over: " + old + " (JDK 17, too old)",
                "Passed over: " + broken + " (its bin/java does not run", "Passed over: " + jre + " (no bin/javac"}) {
            assertTrue(r.err().contains(s), "no \"" + s + "\" in:\n" + r.err());
        }
    }
}
