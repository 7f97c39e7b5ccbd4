/**
 * V8 settings for a long-running relay, applied by importing this module first (src/cli.ts does).
 *
 * No allocation-site pretenuring. The ws library starts a new, empty fragment list on every message it reads
 * and keeps it until the next message on that socket. With a couple of thousand sockets each reading a frame
 * every half-second, most of those lists outlive a young-generation collection, so V8 starts allocating them
 * straight in the old generation. From then on, every frame's buffers hang off an old object: they survive
 * each scavenge, get copied and promoted (1 MB a scavenge in bench/relay-bench.ts, against 68 KB without),
 * and the old generation fills until a mark-compact stalls the relay for 5–15 ms. Without pretenuring those
 * lists live and die in the young generation, which is what they are.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
