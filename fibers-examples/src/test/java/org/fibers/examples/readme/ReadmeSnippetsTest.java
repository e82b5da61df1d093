package org.fibers.examples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the project's README is a whole program: this test extracts
 * each one, compiles it as it stands (imports included) against the modules on this test's
 * class path, and runs its {@code main} in a child JVM with the flags the README gives. A
 * snippet passes when it compiles without errors, exits 0 within a minute, and writes nothing
 * that looks like a failure (an exception, an ERROR log line) to either stream. None is left
 * out: a block whose fence says more than {@code ```java} (an excerpt marked as such) fails.
 */
class ReadmeSnippetsTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```java([^\\n]*)\\n(.*?)^```$", Pattern.DOTALL);
    private static final Pattern FENCE = Pattern.compile("(?m)^```java");
    private static final Pattern CLASS = Pattern.compile("(?m)^public (?:final )?class (\\w+)");

    @TempDir
    Path work;

    /** One snippet: its class name, its text, and the README line it starts on. */
    record Snippet(String className, String source, int line) { }

    static Path readme() {
        Path here = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve("fibers-core/pom.xml"))) {
                return p.resolve("README.md");
            }
        }
        throw new AssertionError("no README.md above " + here);
    }

    static List<Snippet> snippets() throws IOException {
        String text = Files.readString(readme());
        List<Snippet> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            if (!m.group(1).isBlank()) {
                fail("README line " + line + ": '```java" + m.group(1) + "': every java block must be a whole program");
            }
            Matcher c = CLASS.matcher(m.group(2));
            if (!c.find()) {
                fail("README line " + line + ": a java snippet without 'public class Name': make it a whole program");
            }
            out.add(new Snippet(c.group(1), m.group(2), line));
        }
        long fences = FENCE.matcher(text).results().count();
        assertEquals(fences, out.size(), "a ```java block the extraction missed (an unclosed fence?)");
        return out;
    }

    @Test
    void theReadmeHasSnippetsAndEachNamesItsOwnClass() throws IOException {
        List<Snippet> all = snippets();
        assertTrue(all.size() >= 8, "expected the README's java snippets, found " + all.size());
        List<String> names = all.stream().map(Snippet::className).toList();
        assertEquals(names.size(), names.stream().distinct().count(), "two snippets share a class name: " + names);
    }

    @TestFactory
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> eachSnippetCompilesAsPastedAndRuns() throws IOException {
        return snippets().stream().map(s -> DynamicTest.dynamicTest(
                s.className() + " (README line " + s.line() + ")", () -> compileAndRun(s)));
    }

    private void compileAndRun(Snippet s) throws Exception {
        Path src = work.resolve(s.className()).resolve("src");
        Path classes = work.resolve(s.className()).resolve("classes");
        Files.createDirectories(src);
        Files.createDirectories(classes);
        Path file = src.resolve(s.className() + ".java");
        Files.writeString(file, s.source());

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("-cp", System.getProperty("java.class.path"), "-d", classes.toString(), "-proc:none"),
                    null, files.getJavaFileObjects(file)).call();
            String errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> "snippet line " + d.getLineNumber() + " (README line " + (s.line() + d.getLineNumber())
                            + "): " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
            assertTrue(ok, s.className() + " does not compile as pasted:\n" + errors);
        }

        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Dfibers.jdkAdvisory=false");
        cmd.add("-cp");
        cmd.add(classes + java.io.File.pathSeparator + System.getProperty("java.class.path"));
        cmd.add(s.className());
        Path out = work.resolve(s.className()).resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(s.className() + " did not end within 60 s; output:\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        assertEquals(0, p.exitValue(), s.className() + " exited " + p.exitValue() + "; output:\n" + output);
        assertFalse(output.isBlank(), s.className() + " printed nothing");
        for (String bad : List.of("Exception", "ERROR", "\tat ")) {
            assertFalse(output.contains(bad), s.className() + " wrote '" + bad + "':\n" + output);
        }
    }
}
