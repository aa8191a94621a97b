// Opens the ioredis connections the redis executor and `trove worker` hand to BullMQ: connected
// before use (so an unreachable server is one clear error, not endless retries), reconnecting
// after a drop, and never logging "Unhandled error event" on their own.
//
//   const redis = await openRedis("redis://:secret@10.0.0.5:6379/1");     // throws RedisUnreachableError
//   new Queue("trove", { connection: redis });   ...   redis.disconnect();  // the caller closes it
//   redactUrl("redis://u:secret@10.0.0.5:6379")   // "redis://10.0.0.5:6379"
//
// Why connections are passed to BullMQ, not options: BullMQ creates ioredis clients itself only
// through `require`, which a native ES module (vitest, tsx) does not have. A connection passed in
// is BullMQ's to use, ours to close (it closes only the blocking duplicates it made).

import { Redis } from "ioredis";
import { ExecutorError } from "../executor.ts";

/** The first connection to Redis failed: the server is down, unreachable, or refused us. */
export class RedisUnreachableError extends ExecutorError {
  override name = "RedisUnreachableError";
}

/** The URL without its user and password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/]*@/, "$1");
}

export interface OpenRedisOptions {
  /**
   * Commands wait for a reconnect instead of failing (maxRetriesPerRequest: null): what BullMQ
   * needs for workers and queue events. Otherwise a command fails after one failed reconnect, so
   * a caller polling a server that is gone hears about it within seconds.
   */
  waitForReconnect?: boolean;
}

export async function openRedis(url: string, { waitForReconnect = false }: OpenRedisOptions = {}): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new ExecutorError(`not a redis:// URL: ${redactUrl(url)}`);
  let up = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: waitForReconnect ? null : 1,
    // no retry before the first success: the first failure is the user's answer
    retryStrategy: (times) => (up ? Math.min(100 * times, 2000) : null),
    // how long disconnect() waits for the server to close the socket: a timer that would keep
    // a finished process alive that long when the server is gone
    disconnectTimeout: 500,
  });
  let last: Error | undefined;
  // without a listener ioredis prints every connection error; failures reach callers as rejected commands
  redis.on("error", (e: Error) => (last = e));
  try {
    await redis.connect();
  } catch (e) {
    // already ended (no retry); disconnect() would only start a timer on the closed socket
    if (redis.status !== "end") redis.disconnect();
    throw new RedisUnreachableError(`cannot reach Redis at ${redactUrl(url)}: ${(last ?? (e as Error)).message}`);
  }
  up = true;
  return redis;
}

/** Opens several connections; if one fails, the others are closed before the error goes on. */
export async function openRedisMany(url: string, options: OpenRedisOptions[]): Promise<Redis[]> {
  const opened = await Promise.allSettled(options.map((o) => openRedis(url, o)));
  const failed = opened.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (!failed) return opened.map((r) => (r as PromiseFulfilledResult<Redis>).value);
  for (const r of opened) if (r.status === "fulfilled") r.value.disconnect();
  throw failed.reason;
}
