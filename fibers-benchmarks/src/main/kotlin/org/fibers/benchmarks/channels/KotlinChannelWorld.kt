package org.fibers.benchmarks.channels

import java.util.concurrent.SynchronousQueue
import java.util.concurrent.TimeUnit
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelChildren
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.selects.select

/**
 * The Kotlin coroutines peer of the channel scenarios (see PEERS.md): rendezvous channels and
 * `select`, written the way a Kotlin user writes them, set up once and driven in batches from
 * the benchmark thread exactly like the fiber worlds (`Scenario.InFibers`).
 *
 * One platform thread runs `runBlocking(context)`. Its driver coroutine takes a batch size
 * from [requests] with a plain blocking `take` (between batches every other coroutine of the
 * world is suspended, so blocking the event loop there costs nothing), runs the batch, and
 * answers on [replies]. A negative size cancels the world's coroutines and ends the thread. A
 * world that fails makes [run] throw with the cause rather than wait forever.
 */
class KotlinChannelWorld private constructor(
    name: String,
    context: CoroutineContext,
    setUp: CoroutineScope.() -> (suspend (Int) -> Unit),
) : AutoCloseable {
    private val requests = SynchronousQueue<Int>()
    private val replies = SynchronousQueue<Int>()
    @Volatile
    private var failure: Throwable? = null
    private val thread = Thread({
        try {
            runBlocking(context) {
                val batch = setUp()
                while (true) {
                    val n = requests.take()
                    if (n < 0) {
                        break
                    }
                    batch(n)
                    replies.put(n)
                }
                coroutineContext.cancelChildren()
            }
        } catch (t: Throwable) {
            failure = t                         // run() reports it instead of waiting forever
        }
    }, name)

    init {
        thread.isDaemon = true
        thread.start()
    }

    /** Runs [n] operations in the world; returns when they are done. */
    fun run(n: Int) {
        while (!requests.offer(n, 100, TimeUnit.MILLISECONDS)) {
            checkAlive()
        }
        while (replies.poll(100, TimeUnit.MILLISECONDS) == null) {
            checkAlive()
        }
    }

    private fun checkAlive() {
        check(thread.isAlive) { "the Kotlin world ${thread.name} ended: $failure" }
    }

    override fun close() {
        var told = false
        while (!told && thread.isAlive) {
            told = requests.offer(-1, 100, TimeUnit.MILLISECONDS)
        }
        thread.join()
    }

    companion object {
        /** The message; a cached box, so nobody allocates messages (as `Scenario.MSG`). */
        private val MSG: Int = 1

        private fun context(onDefaultDispatcher: Boolean): CoroutineContext =
            if (onDefaultDispatcher) Dispatchers.Default else EmptyCoroutineContext

        /**
         * Ping-pong between two coroutines over two rendezvous channels: on the one thread of
         * `runBlocking`'s event loop, or on `Dispatchers.Default` (one worker per core).
         */
        @JvmStatic
        fun pingPong(onDefaultDispatcher: Boolean): KotlinChannelWorld {
            return KotlinChannelWorld("kotlin-pingpong", context(onDefaultDispatcher)) {
                val ping = Channel<Int>()
                val pong = Channel<Int>()
                launch {
                    while (true) {
                        pong.send(ping.receive())
                    }
                }
                val batch: suspend (Int) -> Unit = { n ->
                    repeat(n) {
                        ping.send(MSG)
                        pong.receive()
                    }
                }
                batch
            }
        }

        /**
         * A consumer selecting among [k] rendezvous channels, each with a sender that is always
         * ready, on `runBlocking`'s event loop or on `Dispatchers.Default`: one operation is one
         * message received.
         */
        @JvmStatic
        fun select(k: Int, onDefaultDispatcher: Boolean): KotlinChannelWorld =
            KotlinChannelWorld("kotlin-select-$k", context(onDefaultDispatcher)) {
                val channels = List(k) { Channel<Int>() }
                for (ch in channels) {
                    launch {
                        while (true) {
                            ch.send(MSG)
                        }
                    }
                }
                val batch: suspend (Int) -> Unit = { n ->
                    repeat(n) {
                        select<Int> {
                            for (ch in channels) {
                                ch.onReceive { it }
                            }
                        }
                    }
                }
                batch
            }

        /**
         * A producer coroutine sending into a buffered channel of [capacity] as fast as it can,
         * the driver receiving: one operation is one message through the buffer.
         */
        @JvmStatic
        fun buffered(capacity: Int, onDefaultDispatcher: Boolean): KotlinChannelWorld =
            KotlinChannelWorld("kotlin-buffered-$capacity", context(onDefaultDispatcher)) {
                val ch = Channel<Int>(capacity)
                launch {
                    while (true) {
                        ch.send(MSG)
                    }
                }
                val batch: suspend (Int) -> Unit = { n ->
                    repeat(n) {
                        ch.receive()
                    }
                }
                batch
            }
    }
}
