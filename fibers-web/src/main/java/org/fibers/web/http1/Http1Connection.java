package org.fibers.web.http1;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.fibers.FiberCancelledException;
import org.fibers.io.FiberSocket;
import org.fibers.web.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads requests one after another (pipelined ones included), runs the
 * handler for each in this fiber, and writes the responses in order. Everything here runs in
 * the connection's fiber, except {@link #stopIfIdle()}, which the closing server calls.
 *
 * <p>Responses are flushed when no further request is already buffered, so a pipelined batch
 * is answered with one write. A refused request gets its status (400, 408, 413, 414, 417, 431,
 * 501, 505) and the connection is closed; a client that goes away ends the connection with a
 * debug line and no stack trace.
 */
final class Http1Connection implements Runnable {
    /*
     * Implementation notes. The state field tells the closing server whether this connection
     * may be closed at once: it is IDLE only while waiting for a request's first byte. The
     * server sets its draining flag and then tries IDLE -> STOPPED on every connection; a
     * connection sets IDLE and then reads the draining flag (both volatile, a Dekker pair), so
     * either the server sees it idle and closes its socket (its read fails at once), or it sees
     * draining and stops by itself; a busy connection finishes its request, answers with
     * Connection: close and stops.
     */
    private static final Logger LOG = LoggerFactory.getLogger(Http1Connection.class);
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int STOPPED = 2;

    private final Http1Server server;
    private final FiberSocket socket;
    private final ServerConfig config;
    private final ExchangeHandler handler;
    private final ConnectionInput in;
    private final RequestParser parser;
    private final Http1Exchange exchange;
    /**
     * <pre>  BUSY --waits for a request--> IDLE --a byte arrives (CAS)--> BUSY
     *  IDLE --server closing (CAS)--> STOPPED (socket closed)</pre>
     */
    private volatile int state = BUSY;

    Http1Connection(Http1Server server, FiberSocket socket, ServerConfig config, ExchangeHandler handler) {
        this.server = server;
        this.socket = socket;
        this.config = config;
        this.handler = handler;
        this.in = new ConnectionInput(socket, config);
        this.parser = new RequestParser(config);
        this.exchange = new Http1Exchange(socket, in, config, server::draining);
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (FiberCancelledException e) {
            LOG.debug("connection from {} cancelled by the server's close", socket.remoteAddress());
        } catch (IOException e) {
            // the client went away, timed out, or the server closed the socket: no stack trace
            LOG.debug("connection from {} ended: {}", socket.remoteAddress(), e.toString());
        } catch (RuntimeException | Error e) {
            // a bug of ours (handler failures are caught in runHandler): said loudly, never kept in the scope
            LOG.error("connection from {} failed", socket.remoteAddress(), e);
        } finally {
            socket.close();
            server.connectionEnded(this);
        }
    }

    private void serve() throws IOException {
        int served = 0;
        for (;;) {
            if (in.available() == 0) {
                socket.flush();
                in.resetIfEmpty();
                state = IDLE;
                if (server.draining()) {
                    return;
                }
                int n;
                try {
                    n = in.fillIdle();
                } catch (SocketTimeoutException e) {
                    LOG.debug("closing {}: idle for {}", socket.remoteAddress(), config.idleTimeout());
                    return;
                }
                // IDLE -> BUSY: ours; fails only when the server stopped us (and closed the socket)
                if (!STATE.compareAndSet(this, IDLE, BUSY) || n < 0) {
                    return;
                }
            }
            RequestHead head;
            try {
                head = parser.parse(in);
            } catch (HttpStatusException e) {
                refuse(e.status(), e.getMessage());
                return;
            } catch (SocketTimeoutException e) {
                refuse(408, e.getMessage());
                return;
            }
            if (head == null) {
                return;
            }
            served++;
            boolean keepAlive = head.keepAlive() && served < config.maxRequestsPerConnection() && !server.draining();
            exchange.begin(head, keepAlive);
            runHandler(head);
            if (!exchange.finish()) {
                socket.flush();
                lingeringClose();
                return;
            }
        }
    }

    private void runHandler(RequestHead head) throws IOException {
        try {
            handler.serve(exchange);
        } catch (FiberCancelledException e) {
            throw e;
        } catch (HttpStatusException e) {
            if (!exchange.responded()) {
                exchange.closeAfterResponse();
                error(e.status(), e.getMessage());
            } else {
                exchange.closeAfterResponse();
            }
            return;
        } catch (Throwable t) {
            if (Thread.currentThread().isInterrupted()) {
                // cancelled (the server's grace period is over) and the handler turned it into
                // another exception, e.g. IOException("interrupted"): cancellation wins, no 500
                throw new FiberCancelledException("handler cancelled on " + head.method() + " " + head.target(), t);
            }
            if (t instanceof IOException && (exchange.responded() || exchange.bodyFailed())) {
                throw (IOException) t; // reading the request or writing the response failed: the client went away
            }
            LOG.error("handler failed on {} {} from {}: {}", head.method(), head.target(), socket.remoteAddress(),
                    t.toString());
            LOG.debug("handler failure on {} {}", head.method(), head.target(), t);
            if (exchange.responded()) {
                exchange.closeAfterResponse(); // half a response is out: only a close can tell the client
                throw new IOException("handler failed after its response began", t);
            }
            error(500, "Internal Server Error");
        }
        if (!exchange.responded()) {
            LOG.error("handler sent no response to {} {} from {}", head.method(), head.target(), socket.remoteAddress());
            error(500, "no response");
        }
    }

    private void error(int status, String reason) throws IOException {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        Headers h = new Headers().add("Content-Type", "text/plain; charset=utf-8");
        exchange.respond(status, h, body, 0, body.length);
    }

    /** Answers a request we refuse before any handler saw it, then closes. */
    private void refuse(int status, String reason) throws IOException {
        LOG.debug("refusing a request from {}: {} {}", socket.remoteAddress(), status, reason);
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + StatusLines.reason(status) + "\r\n"
                + new String(DateHeader.line(), StandardCharsets.US_ASCII)
                + "Server: " + config.serverName() + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        socket.write(head.getBytes(StandardCharsets.ISO_8859_1));
        socket.write(body);
        socket.flush();
        lingeringClose();
    }

    /**
     * Half-closes and reads a little of what the client still sends before the socket is
     * closed, so the kernel does not answer unread input with a reset that could destroy our
     * response before the client read it.
     */
    private static final long LINGER_NANOS = 2_000_000_000L;

    private void lingeringClose() {
        try {
            socket.shutdownOutput();
            byte[] sink = in.buf;
            long drained = 0;
            // at most 2 s in all (as Apache httpd's lingering close): a client that keeps
            // dribbling bytes must not hold the connection open 500 ms at a time forever
            long deadline = System.nanoTime() + LINGER_NANOS;
            for (;;) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || drained >= 256 * 1024) {
                    break;
                }
                socket.setReadTimeout(Duration.ofNanos(Math.min(left, 500_000_000L)));
                int n = socket.read(sink, 0, sink.length);
                if (n < 0) {
                    break;
                }
                drained += n;
            }
        } catch (IOException e) {
            // gone or timed out: close now
        }
    }

    /** The server is closing: closes this connection if it waits for a request. Any thread. */
    void stopIfIdle() {
        // IDLE -> STOPPED: it waits for a request's first byte, close it now; BUSY: it stops by itself
        if (state == IDLE && STATE.compareAndSet(this, IDLE, STOPPED)) {
            socket.close();
        }
    }

    /** Closes the socket whatever the state (the server's grace period is over). Any thread. */
    void abort() {
        state = STOPPED;
        socket.close();
    }

    // VarHandle mechanics
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Http1Connection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
