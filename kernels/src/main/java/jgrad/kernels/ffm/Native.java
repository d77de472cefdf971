package jgrad.kernels.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/** Loads a shared library by the first SONAME that exists and makes downcall handles into it. */
final class Native {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;

    private Native(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    /** The first of the SONAMEs that loads; fails naming all of them and what to install. */
    static Native load(String install, String... sonames) {
        for (String s : sonames) {
            try {
                return new Native(s, SymbolLookup.libraryLookup(s, Arena.global()));
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                // try the next name
            }
        }
        throw new UnsupportedOperationException("none of " + String.join(", ", sonames) + " could be loaded: " + install);
    }

    MethodHandle function(String symbol, FunctionDescriptor descriptor) {
        MemorySegment address = lookup.find(symbol)
                .orElseThrow(() -> new UnsupportedOperationException(name + " has no function " + symbol));
        return LINKER.downcallHandle(address, descriptor);
    }

    String name() {
        return name;
    }

    static MemorySegment address(long a) {
        return MemorySegment.ofAddress(a);
    }
}
