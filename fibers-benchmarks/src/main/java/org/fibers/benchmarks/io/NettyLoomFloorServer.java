package org.fibers.benchmarks.io;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import org.fibers.internal.LoomSupport;

/**
 * The Loom floor of the ping benchmark: {@link NettyPingServer}'s echo, plus exactly one
 * virtual-thread park and unpark per read. Each connection has a virtual thread whose
 * continuation runs inline on the connection's event loop thread (its executor runs what it is
 * given at once, on the caller), so there is no scheduler, no queue and no cross-thread
 * hand-off: a read hands its bytes to the connection's virtual thread and unparks it, which
 * mounts and thaws it on the spot; it hands the bytes back and parks, which freezes it and
 * returns to the read; the read writes them out as Netty's echo does.
 *
 * <p>This is the least that any server giving each connection a suspended virtual thread (a
 * fiber that waits for its next line, as issue 5's ping server must) adds to Netty's own event
 * loop: the continuation's freeze and thaw, and the virtual thread's park/unpark state
 * changes. Its CPU per round trip above Netty's is that cost. Prints "PORT n" once listening.
 *
 * <pre>NettyLoomFloorServer [port] [threads]   (0 = any free port; threads default = cores)</pre>
 */
public final class NettyLoomFloorServer {
    /** Runs a continuation on the thread that submits it: the event loop thread that unparks. */
    private static final Executor INLINE = Runnable::run;

    private NettyLoomFloorServer() {
    }

    public static void main(String[] args) throws Exception {
        LoomSupport.checkAvailable();
        NettyPingServer.serve(args, ParkingEcho::new);
    }

    /**
     * One connection: its virtual thread and the two slots it hands a message through. Only the
     * connection's event loop thread touches it, directly or as the carrier of the virtual
     * thread, and the park/unpark pair orders the two sides; so plain fields.
     */
    private static final class ParkingEcho extends ChannelInboundHandlerAdapter {
        private Thread fiber;
        /** The message the read handed over; the virtual thread takes it. */
        private Object inbox;
        /** The message the virtual thread hands back for writing. */
        private Object outbox;
        private boolean closed;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            fiber = LoomSupport.newVirtualThread(INLINE, this::relay);
            fiber.start(); // runs inline up to its first park
            ctx.fireChannelActive();
        }

        /** The virtual thread's body: waits for each message and hands it back. */
        private void relay() {
            for (;;) {
                Object m;
                while ((m = inbox) == null) {
                    if (closed) {
                        return;
                    }
                    LockSupport.park(this);
                }
                inbox = null;
                outbox = m;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            inbox = msg;
            LockSupport.unpark(fiber); // thaws it here; it returns once the fiber parks again
            Object reply = outbox;
            outbox = null;
            if (reply == null) {
                throw new IllegalStateException("the connection's virtual thread did not answer");
            }
            ctx.write(reply);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = true;
            LockSupport.unpark(fiber); // it ends, inline
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
