package jgrad.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Properties;

/** Entry point of the {@code jgrad} command line. Each command is a class in this package. */
@Command(name = "jgrad", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A tensor and autodiff engine for Java, and the depth + mask loss comparison built on it.",
        subcommands = {CommandLine.HelpCommand.class,
                GenerateDataCommand.class,
                LossCommand.class,
                SummaryCommand.class,
                CompareLossesCommand.class,
                TrainCommand.class,
                PredictCommand.class,
                LrFindCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // an Error, which picocli does not hand to the exception handler: one line instead of a stack trace
            System.err.println("error: out of memory (" + e.getMessage() + "); try a smaller --width, --size or --batch, "
                    + "or give Java more memory, e.g. JGRAD_JAVA_OPTS=-Xmx16g");
            code = 1;
        }
        System.exit(code);
    }

    /** The configured command line (tests call this to run commands in-process). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + describe(ex)));
            return 1;
        });
        return cl;
    }

    /** An error's message; Java's file-system exceptions carry only a path, so name their cause too. */
    static String describe(Throwable e) {
        return switch (e) {
            case FileAlreadyExistsException x -> x.getFile() + " exists and is not a folder";
            case NoSuchFileException x -> "no such file or folder: " + x.getFile();
            case AccessDeniedException x -> "permission denied: " + x.getFile();
            case FileSystemException x when x.getReason() != null -> x.getFile() + ": " + x.getReason();
            default -> e.getMessage();
        };
    }

    /** {@code jgrad VERSION}, the POM's version, which the build writes into version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) throw new IOException("version.properties is missing from the build");
                p.load(in);
            }
            return new String[]{"jgrad " + p.getProperty("version")};
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
