package org.fibers.console;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Compiles {@code spawn-fiber}'s Java code into a fiber body with the JDK's JShell API, executed
 * locally: the snippet's classes are defined in this JVM by {@link SnippetLoaderDelegate}, in a
 * class loader whose parent is the application's, so the code sees the application's classes
 * and static state (a channel in a static field, a service's registry). The compiler's class
 * path is the application's: {@code java.class.path}, the URLs of URL class loaders on the way
 * to the application's loader, and the jars of fibers-core and this module.
 *
 * <p>The user's code becomes the body of a lambda, {@code (Runnable) () -> { CODE; }}, which the
 * snippet hands over through {@link SnippetHandoff}; nothing of it runs until the fiber does.
 * One JShell per console session, used by one thread at a time.
 */
final class JavaSnippets implements AutoCloseable {
    /** A body to spawn, or the compiler's diagnostics when there is none. */
    record Compiled(Runnable body, List<String> diagnostics) {
    }

    private final JShell shell;

    JavaSnippets() {
        ClassLoader app = Thread.currentThread().getContextClassLoader();
        if (app == null) {
            app = JavaSnippets.class.getClassLoader();
        }
        ClassLoader parent = app;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        shell = JShell.builder()
                .executionEngine(new Provider(parent), Map.of())
                .out(discard).err(discard)
                .build();
        for (String entry : classPath(app)) {
            shell.addToClasspath(entry);
        }
    }

    /** Compiles {@code code} (statements, the last semicolon optional) into a fiber body. */
    Compiled compile(String code) {
        long ticket = SnippetHandoff.reserve();
        String prefix = SnippetHandoff.class.getName() + ".deliver(" + ticket + "L, (java.lang.Runnable) () -> {\n";
        String body = code.endsWith(";") || code.endsWith("}") ? code : code + ";";
        String source = prefix + body + "\n});";
        SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(source);
        if (!info.completeness().isComplete() || !info.remaining().isBlank()) {
            return new Compiled(null, List.of("the code is not a complete block of statements: " + code));
        }
        List<String> problems = new ArrayList<>();
        for (SnippetEvent e : shell.eval(source)) {
            if (e.status() == Snippet.Status.REJECTED) {
                shell.diagnostics(e.snippet()).forEach(d -> problems.add(describe(d, prefix.length())));
                if (problems.isEmpty()) {
                    problems.add("rejected by JShell");
                }
            }
            if (e.exception() != null) {
                problems.add("the snippet threw " + describe(e.exception()));
            }
        }
        Runnable r = SnippetHandoff.take(ticket);
        if (r == null && problems.isEmpty()) {
            problems.add("the snippet delivered no body");
        }
        return problems.isEmpty() ? new Compiled(r, List.of()) : new Compiled(null, problems);
    }

    private static String describe(Diag d, int prefixLength) {
        long at = d.getStartPosition() - prefixLength;
        String where = at >= 0 ? "at " + at + ": " : "";
        return (d.isError() ? "error " : "warning ") + where + d.getMessage(Locale.ROOT);
    }

    private static String describe(Throwable t) {
        if (t instanceof EvalException ee) {
            return ee.getExceptionClassName() + ": " + ee.getMessage();
        }
        return t.toString();
    }

    private static Set<String> classPath(ClassLoader app) {
        Set<String> out = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                out.add(e);
                addManifestClassPath(out, Path.of(e));
            }
        }
        for (ClassLoader l = app; l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    addLocation(out, url);
                }
            }
        }
        for (Class<?> c : new Class<?>[] {org.fibers.Fiber.class, SnippetHandoff.class}) {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                addLocation(out, cs.getLocation());
            }
        }
        return out;
    }

    /**
     * The Class-Path of a jar's manifest (a launcher's or surefire's manifest-only jar names the
     * application's class path there), resolved against the jar's directory.
     */
    private static void addManifestClassPath(Set<String> out, Path entry) {
        if (!entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null) {
                return;
            }
            URI base = entry.toAbsolutePath().getParent().toUri();
            for (String item : cp.trim().split("\\s+")) {
                if (!item.isEmpty()) {
                    try {
                        addLocation(out, base.resolve(item).toURL());
                    } catch (IllegalArgumentException | MalformedURLException e) {
                        // an entry no compiler could use: skip it
                    }
                }
            }
        } catch (IOException e) {
            // unreadable jar: its own entry stays, its manifest adds nothing
        }
    }

    private static void addLocation(Set<String> out, URL url) {
        if ("file".equals(url.getProtocol())) {
            try {
                out.add(Path.of(url.toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a plain file location: the compiler cannot use it anyway
            }
        }
    }

    @Override
    public void close() {
        shell.close();
    }

    /** JShell's local execution, with snippet classes defined under {@code parent}. */
    private record Provider(ClassLoader parent) implements ExecutionControlProvider {
        @Override
        public String name() {
            return "fibers-local";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return new LocalExecutionControl(new SnippetLoaderDelegate(parent));
        }
    }
}
