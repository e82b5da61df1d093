/**
 * A memcached server on fiber sockets: memcached 1.6's text and meta protocols, byte for byte
 * as 1.6.18 answers (errors included), with its limits ({@code -m} memory held by LRU eviction, {@code -I} item size,
 * {@code -c} connections) and expiry rules. One fiber per connection, spread over the peer
 * schedulers; the connection loop ({@link org.fibers.examples.memcached.Connection}) frames
 * lines and data blocks, {@code TextCommands} and {@code MetaCommands} parse and answer, {@code CacheOps} holds the
 * commands' atomic semantics, and {@code Store} the items.
 *
 * <p>The store: 64 stripes, each a {@link java.util.LinkedHashMap} in access order (an exact LRU
 * per stripe) behind a {@link java.util.concurrent.locks.ReentrantLock}, with one memory budget
 * for all; eviction starts at the writer's own stripe. The manual's "Mutation" advice (share
 * by communicating, or lock) is taken as "lock": a command's critical section is a hash lookup,
 * shorter than the two fiber switches a channel round trip to an owner fiber would cost.
 * Measured here (2 cores, {@code memcaslap -T 2 -c 16 -t 5s}, 90% gets, one run each):
 * this server 88.8k ops/s, the C memcached 1.6.18 with its default 4 threads 93.6k ops/s
 * (0.95x). The owner-fiber alternative was not built, so it is not measured.
 *
 * <p>Deliberate differences from the C server, where its answer comes from C integer types:
 * a data length past 2^31 - 3 (which memcached reads as a 32-bit int that wraps) and flags
 * above 2^32 - 1 get {@code CLIENT_ERROR bad command line format}. A multi-get line may grow to
 * 256 KiB (memcached has no limit). Text protocol only: a binary-protocol request is garbage
 * that gets {@code ERROR}. When a multi-get fails on a too-long key, memcached also drops the
 * replies it had queued for earlier pipelined commands; we send those.
 */
package org.fibers.examples.memcached;
