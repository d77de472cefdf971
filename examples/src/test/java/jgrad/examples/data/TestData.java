package jgrad.examples.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small generated datasets for the data tests. */
final class TestData {
    private TestData() {}

    static SceneGenerator.Summary generate(Path dir, Layout layout, int count, int perBg, int size, long seed, int threads) {
        return SceneGenerator.generate(new SceneGenerator.Options(dir, layout, count, size, seed, perBg, threads, 1, 0.92f), null);
    }

    /** All regular files under dir, as sorted relative paths. */
    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }
}
