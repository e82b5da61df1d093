package org.fibers.examples.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** libmemcached's own checkers, memccapable and memcaslap, against our server. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemcachedCheckersTest {
    private static final Path MEMCCAPABLE = Path.of("/usr/bin/memccapable");
    private static final Path MEMCASLAP = Path.of("/usr/bin/memcaslap");

    /** Our server with either store design (--store locks, the default, or owners). */
    private static OurServer start(String store) throws Exception {
        return OurServer.start(ServerOptions.parse("--port", "0", "--parallelism", "2", "--store", store));
    }

    @ParameterizedTest
    @ValueSource(strings = {"locks", "owners"})
    void memccapablePassesAllItsTextProtocolTests(String store) throws Exception {
        DebianMemcached.assumeInstalled(MEMCCAPABLE);
        try (OurServer server = start(store)) {
            Run r = run(List.of(MEMCCAPABLE.toString(), "-h", "127.0.0.1", "-p", String.valueOf(server.port()), "-a"));
            assertEquals(0, r.exit, r.output);
            assertTrue(r.output.contains("All tests passed"), r.output);
            assertEquals(27, r.output.split("\\[pass]", -1).length - 1, r.output);
            assertTrue(Raw.stats(server.port()).containsKey("curr_items"), "the server still answers");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"locks", "owners"})
    void memcaslapVerifiesEveryValueUnderLoad(String store) throws Exception {
        DebianMemcached.assumeInstalled(MEMCASLAP);
        try (OurServer server = start(store)) {
            Run r = run(List.of(MEMCASLAP.toString(), "-s", "127.0.0.1:" + server.port(), "-T", "2", "-c", "16",
                    "-t", "3s", "-v", "0.1"));
            assertEquals(0, r.exit, r.output);
            assertTrue(r.output.contains("verify_failed: 0"), r.output);
            Matcher ops = Pattern.compile("cmd_get: (\\d+)").matcher(r.output);
            assertTrue(ops.find() && Long.parseLong(ops.group(1)) > 1000, r.output);
            var stats = Raw.stats(server.port());
            assertEquals(Long.parseLong(stats.get("cmd_get")),
                    Long.parseLong(stats.get("get_hits")) + Long.parseLong(stats.get("get_misses")), stats.toString());
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
