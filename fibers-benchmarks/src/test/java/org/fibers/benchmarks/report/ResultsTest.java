package org.fibers.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    @Test
    void writesTheSchemaWithMediansAndTargets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/web.json");
        System.setProperty(Results.FILE_PROPERTY, file.toString());
        try {
            Results r = Results.forArea("web", "Web", "WebComparison --quick");
            assertTrue(r.enabled());
            r.param("rounds", 3);
            r.series("fibers", "req_per_s", "req/s", Results.Better.HIGHER, new double[] {30, 10, 20});
            r.ratio("fibers", "netty", "req_per_s", new double[] {0.9, 1.1, 1.0, 1.2});
            assertTrue(r.target("fibers req/s >= 0.9x netty's", "fibers", "netty", "req_per_s", true, 0.9, 1.05));
            assertFalse(r.target("cpu", "fibers", "netty", "cpu", false, 1.0, Double.NaN));
            r.point("fibers", "rss_bytes", 1000, 1.5e7);
            r.skipped("helidon", "not on the class path");
            r.write();
        } finally {
            System.clearProperty(Results.FILE_PROPERTY);
        }
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(Results.SCHEMA, root.get("schema").asText());
        assertEquals("web", root.get("area").asText());
        assertEquals(3, root.get("params").get("rounds").asInt());
        JsonNode s = root.get("series").get(0);
        assertEquals(20.0, s.get("median").asDouble());
        assertEquals(10.0, s.get("min").asDouble());
        assertEquals(30.0, s.get("perRound").get(0).asDouble());
        assertEquals("higher", s.get("better").asText());
        assertEquals(1.05, root.get("ratios").get(0).get("median").asDouble(), 1e-12);
        assertTrue(root.get("targets").get(0).get("met").asBoolean());
        assertTrue(root.get("targets").get(1).get("measured").isNull());
        assertEquals(1000.0, root.get("points").get(0).get("x").asDouble());
        assertEquals("helidon", root.get("skipped").get(0).get("scenario").asText());
        assertTrue(root.get("machine").get("cpus").asInt() > 0);
    }

    @Test
    void writesNothingWithoutTheProperty(@TempDir Path dir) {
        System.clearProperty(Results.FILE_PROPERTY);
        Results r = Results.forArea("ping", "Ping", "PingComparison");
        assertFalse(r.enabled());
        r.series("fibers", "rt_per_s", "RT/s", Results.Better.HIGHER, new double[] {1});
        r.write();
        assertEquals(0, dir.toFile().list().length);
    }
}
