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
 * shorter than the two rendezvous a channel round trip to an owner fiber costs. The
 * alternative is built too ({@code --store owners}: one owner fiber per stripe, which alone
 * touches its map, reached over channels) and measured by {@code MemcachedComparison}
 * (fibers-benchmarks; 2 shared cores, JDK 25, 5 rounds taking turns, medians; ratios to the
 * C memcached 1.6.18 {@code -t 2} in the same round):
 * <table>
 * <caption>Store designs under the same loads</caption>
 * <tr><th>load</th><th>store</th><th>ops/s</th><th>vs C</th><th>CPU s per 1M ops</th><th>vs C</th></tr>
 * <tr><td>memcached-client 1000 100</td><td>locks</td><td>42.8k</td><td>0.94x</td><td>8.35</td><td>1.17x</td></tr>
 * <tr><td>memcached-client 1000 100</td><td>owners</td><td>39.1k</td><td>0.87x</td><td>10.40</td><td>1.51x</td></tr>
 * <tr><td>memcaslap -T 2 -c 16 -t 5s</td><td>locks</td><td>93.3k</td><td>0.84x</td><td>7.82</td><td>1.09x</td></tr>
 * <tr><td>memcaslap -T 2 -c 16 -t 5s</td><td>owners</td><td>64.1k</td><td>0.64x</td><td>10.79</td><td>1.42x</td></tr>
 * </table>
 * Locks win on both loads, by 30% more operations per second and 28% less CPU per operation
 * under memcaslap, so they are the default. Heap per stored 100-byte item: 294 bytes (the C
 * server: 190 resident bytes).
 *
 * <p>{@link org.fibers.examples.memcached.MemcachedClient} is the client side: ketama sharding
 * ({@link org.fibers.examples.memcached.Ketama}, placed as spymemcached's), a connection pool
 * and down state per server ({@code ServerNode}), and one connection's framing
 * ({@code ClientConnection}).
 *
 * <p>Deliberate differences from the C server, where its answer comes from C integer types:
 * a data length past 2^31 - 3 (which memcached reads as a 32-bit int that wraps) and flags
 * above 2^32 - 1 get {@code CLIENT_ERROR bad command line format}. A multi-get line may grow to
 * 256 KiB (memcached has no limit). Text protocol only: a binary-protocol request is garbage
 * that gets {@code ERROR}. When a multi-get fails on a too-long key, memcached also drops the
 * replies it had queued for earlier pipelined commands; we send those.
 */
package org.fibers.examples.memcached;
