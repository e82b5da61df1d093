package org.fibers.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EchoTest {
    private static final RunOptions TWO_CARRIERS = RunOptions.builder().parallelism(2).build();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThousandConcurrentClientsEachGetTheirOwnLinesBack() {
        int clients = 1000;
        int lines = 20;
        int echoed = Fibers.run(TWO_CARRIERS, () -> {
            try (EchoServer server = EchoServer.start()) {
                List<Fiber<Integer>> fibers = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int id = i;
                    fibers.add(Fibers.spawn(() -> converse(server, id, lines)));
                }
                int total = 0;
                for (Fiber<Integer> f : fibers) {
                    total += f.join();
                }
                assertEquals(clients, server.accepted.get());
                return total;
            }
        });
        assertEquals(clients * lines, echoed);
    }

    private static int converse(EchoServer server, int id, int lines) throws IOException {
        try (FiberSocket s = FiberSocket.connect(server.address())) {
            for (int j = 0; j < lines; j++) {
                String msg = "client-" + id + "-line-" + j;
                s.write(msg + "\n");
                s.flush();
                assertEquals(msg, s.readLine());
            }
            s.shutdownOutput();
            assertNull(s.readLine(), "server closes after our end of stream");
            return lines;
        }
    }
}
