package org.fibers.channels;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.fibers.operations.BaseOperation;
import org.fibers.operations.OpState;
import org.fibers.operations.Operation;
import org.fibers.operations.Resumer;

/**
 * A deliberately simple channel built on the public low-level API (Operation.base), used by
 * ChannelModelCheckTest to show that the model checker catches the bug the CLAIMED state
 * exists to prevent. With {@code claimOwn} it follows the protocol (OpState.commit: claim our
 * own state, then the peer's); without it, the block step commits the peer alone and then
 * resumes itself, so two choices that each contain a put and a get can both commit each other.
 */
final class ToyChannel<T> {
    private record Waiter(OpState state, Resumer<Object> resume, Object message) {
    }

    private final ConcurrentLinkedQueue<Waiter> putq = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Waiter> getq = new ConcurrentLinkedQueue<>();
    private final boolean claimOwn;

    ToyChannel(boolean claimOwn) {
        this.claimOwn = claimOwn;
    }

    Operation<Void> putOperation(T message) {
        return Operation.base(() -> {
            Waiter get = takeLive(getq);
            if (get == null) {
                return BaseOperation.NOT_READY;
            }
            get.resume().resume(message);
            return null;
        }, (state, resume) -> {
            Resumer<Object> self = erase(resume);
            putq.add(new Waiter(state, self, message));
            Waiter get = serve(getq, state);
            if (get != null) {
                get.resume().resume(message);
                self.resume(null);
            }
            return null;
        });
    }

    Operation<T> getOperation() {
        return Operation.base(() -> {
            Waiter put = takeLive(putq);
            if (put == null) {
                return BaseOperation.NOT_READY;
            }
            put.resume().resume(null);
            return put.message();
        }, (state, resume) -> {
            Resumer<Object> self = erase(resume);
            getq.add(new Waiter(state, self, null));
            Waiter put = serve(putq, state);
            if (put != null) {
                put.resume().resume(null);
                self.resume(put.message());
            }
            return null;
        });
    }

    private static Waiter takeLive(ConcurrentLinkedQueue<Waiter> q) {
        for (Waiter w : q) {
            if (w.state().trySync()) {
                q.remove(w);
                return w;
            }
        }
        return null;
    }

    private Waiter serve(ConcurrentLinkedQueue<Waiter> q, OpState mine) {
        for (Waiter w : q) {
            if (w.state() == mine || w.state().isSynced()) {
                continue;
            }
            if (claimOwn) {
                OpState.Commit c = OpState.commit(mine, w.state());
                if (c == OpState.Commit.MINE_DONE) {
                    return null;
                }
                if (c == OpState.Commit.COMMITTED) {
                    q.remove(w);
                    return w;
                }
            } else if (w.state().trySync()) {   // the bug: our own state was never claimed
                q.remove(w);
                return w;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Resumer<Object> erase(Resumer<?> r) {
        return (Resumer<Object>) r;
    }
}
