package jgrad.kernels.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A shared library opened through {@link SymbolLookup#libraryLookup}: the first of several
 * SONAMEs that loads wins (e.g. libcublas.so.13, then .12). Each SONAME is tried by name (the
 * dynamic loader's search: LD_LIBRARY_PATH, the ldconfig cache), then in the folders of
 * JGRAD_CUDA_LIBRARY_PATH (colon-separated), the CUDA toolkit's usual folders and the lib folders
 * of NVIDIA's Python wheels (where a PyTorch installation keeps cuBLAS and cuDNN). Extra libraries can be named whose symbols are searched after the main one
 * (cuDNN 9 keeps its legacy API in sub-libraries behind libcudnn.so.9).
 *
 * <p>The library stays loaded for the life of the process.
 */
public final class NativeLibrary {
    private static final List<String> SEARCH_DIRS = searchDirs();

    private final String name;
    private final String soname;
    private final List<SymbolLookup> lookups;

    private NativeLibrary(String name, String soname, List<SymbolLookup> lookups) {
        this.name = name;
        this.soname = soname;
        this.lookups = lookups;
    }

    /**
     * Loads the first SONAME that opens.
     *
     * @param name     what the library is, for messages ("cuBLAS")
     * @param install  what to install when none loads ("cuBLAS from the CUDA toolkit 12 or 13 (libcublas.so.13)")
     * @param sonames  candidates, best first
     * @throws NativeLibraryMissingException naming every SONAME tried and what to install
     */
    public static NativeLibrary load(String name, String install, String... sonames) {
        return load(name, install, List.of(sonames), List.of());
    }

    /** As {@link #load(String, String, String...)}, also searching symbols in the optional {@code extras}. */
    public static NativeLibrary load(String name, String install, List<String> sonames, List<String> extras) {
        if (sonames.isEmpty()) throw new IllegalArgumentException("no SONAME to try for " + name);
        List<String> tried = new ArrayList<>();
        for (String s : sonames) {
            Optional<SymbolLookup> l = open(s, tried);
            if (l.isPresent()) {
                List<SymbolLookup> lookups = new ArrayList<>();
                lookups.add(l.get());
                for (String e : extras) open(e, new ArrayList<>()).ifPresent(lookups::add);
                return new NativeLibrary(name, s, List.copyOf(lookups));
            }
        }
        throw new NativeLibraryMissingException(name + " is not available: none of " + String.join(", ", sonames)
                + " could be loaded (tried " + String.join(", ", tried) + "). Install " + install
                + " and make sure the dynamic loader finds it (ldconfig or LD_LIBRARY_PATH)");
    }

    private static Optional<SymbolLookup> open(String soname, List<String> tried) {
        List<String> candidates = new ArrayList<>();
        candidates.add(soname);
        for (String dir : SEARCH_DIRS) {
            Path p = Path.of(dir, soname);
            if (Files.exists(p)) candidates.add(p.toString());
        }
        for (String c : candidates) {
            tried.add(c);
            try {
                return Optional.of(SymbolLookup.libraryLookup(c, Arena.global()));
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                // try the next candidate
            }
        }
        return Optional.empty();
    }

    private static List<String> searchDirs() {
        List<String> dirs = new ArrayList<>();
        String own = System.getenv("JGRAD_CUDA_LIBRARY_PATH");
        if (own != null) {
            for (String d : own.split(":")) if (!d.isBlank()) dirs.add(d);
        }
        for (String env : new String[]{"CUDA_HOME", "CUDA_PATH", "CUDNN_HOME"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                dirs.add(v + "/lib64");
                dirs.add(v + "/lib");
            }
        }
        dirs.add("/usr/local/cuda/lib64");
        dirs.add("/usr/local/cuda/targets/x86_64-linux/lib");
        dirs.add("/usr/lib/x86_64-linux-gnu");
        dirs.add("/usr/lib64");
        dirs.addAll(pythonWheelDirs());
        return List.copyOf(dirs);
    }

    /**
     * The lib folders of NVIDIA's Python wheels (nvidia-cublas, nvidia-cudnn-cu13, …) in the usual
     * virtual environments and system site-packages, where a PyTorch installation keeps them.
     */
    private static List<String> pythonWheelDirs() {
        List<String> out = new ArrayList<>();
        List<Path> sitePackages = new ArrayList<>();
        for (String pattern : new String[]{"/opt/*/.venv/lib/python3*/site-packages", "/opt/*/lib/python3*/site-packages",
                "/usr/local/lib/python3*/dist-packages", "/usr/lib/python3/dist-packages"}) {
            sitePackages.addAll(glob(pattern));
        }
        for (Path sp : sitePackages) {
            Path nv = sp.resolve("nvidia");
            if (!Files.isDirectory(nv)) continue;
            try (var children = Files.list(nv)) {
                children.map(c -> c.resolve("lib")).filter(Files::isDirectory).sorted().forEach(l -> out.add(l.toString()));
            } catch (java.io.IOException | RuntimeException e) {
                // an unreadable folder is simply not searched
            }
        }
        return out;
    }

    /** Paths matching a pattern whose '*' wildcards stand within one path element. */
    static List<Path> glob(String pattern) {
        List<Path> found = List.of(Path.of("/"));
        for (String part : pattern.substring(1).split("/")) {
            List<Path> next = new ArrayList<>();
            for (Path dir : found) {
                if (!part.contains("*")) {
                    Path p = dir.resolve(part);
                    if (Files.exists(p)) next.add(p);
                    continue;
                }
                try (var ds = Files.newDirectoryStream(dir, part)) {
                    ds.forEach(next::add);
                } catch (java.io.IOException | RuntimeException e) {
                    // not there, or not readable
                }
            }
            found = next;
        }
        return found;
    }

    /** What the library is ("cuBLAS"). */
    public String name() {
        return name;
    }

    /** The SONAME that loaded. */
    public String soname() {
        return soname;
    }

    /** The address of a symbol, if any of the library's lookups has it. */
    public Optional<MemorySegment> find(String symbol) {
        for (SymbolLookup l : lookups) {
            Optional<MemorySegment> s = l.find(symbol);
            if (s.isPresent()) return s;
        }
        return Optional.empty();
    }

    /**
     * A downcall handle for a C function.
     *
     * @throws NativeLibraryMissingException when the library has no such symbol (a version too old)
     */
    public MethodHandle downcall(String symbol, FunctionDescriptor descriptor) {
        MemorySegment address = find(symbol).orElseThrow(() -> new NativeLibraryMissingException(
                name + " (" + soname + ") has no function " + symbol + "; install a newer " + name));
        return Linker.nativeLinker().downcallHandle(address, descriptor);
    }

    @Override
    public String toString() {
        return name + " (" + soname + ")";
    }
}
