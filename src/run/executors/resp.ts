// A minimal Redis connection (RESP2 over TCP) shaped like Bun's built-in RedisClient, so BullMQ's
// Bun adapter (`createBunRedisClient`) can drive it: BullMQ 6 ships no Redis driver of its own and
// ioredis is not installed in this project, so this file is the driver.
//
//   const redis = await redisConnection("redis://127.0.0.1:6379/0");   // an IRedisClient for BullMQ
//   new Queue("trove", { connection: redis });
//
// What the adapter needs of the raw client (read from bullmq/dist/esm/classes/bun-redis-client.js):
// `send(cmd, args)` returning a promise of the reply, `connect()`, `close()`, `duplicate()`,
// `connected`, and the `onconnect` / `onclose` callbacks. Replies are strings, numbers, arrays and
// null (RESP2); an error reply rejects, or is an Error inside an array (EXEC). Commands are written
// at once in call order, so the adapter's MULTI ... EXEC bursts stay contiguous.

import { Socket, connect as tcpConnect } from "node:net";
import { createBunRedisClient } from "bullmq";
import { ExecutorError } from "../executor.ts";

type Reply = string | number | null | Error | Reply[];

/** A reply started but not all of it has arrived yet. */
const INCOMPLETE = Symbol("incomplete");

export class RespClient {
  connected = false;
  onconnect?: () => void;
  onclose?: (error?: Error) => void;
  onerror?: (error: Error) => void;
  /** Replies nobody asked for: messages on a subscribed connection. */
  onmessage?: (message: unknown) => void;
  private socket: Socket | undefined;
  private pending: { resolve(v: unknown): void; reject(e: Error): void }[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private closing = false;

  constructor(readonly url: string) {}

  connect(): Promise<void> {
    const u = new URL(this.url);
    if (u.protocol !== "redis:") return Promise.reject(new ExecutorError(`only redis:// URLs are supported, not ${u.protocol}//`));
    this.closing = false;
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host: u.hostname || "127.0.0.1", port: Number(u.port || 6379) });
      socket.setNoDelay(true);
      this.socket = socket;
      let up = false;
      socket.on("data", (chunk) => this.receive(chunk));
      socket.once("error", (e) => {
        if (!up) reject(e);
        else this.onerror?.(e);
      });
      socket.once("close", () => {
        this.connected = false;
        const error = new Error("Connection closed");
        for (const p of this.pending.splice(0)) p.reject(error);
        this.buffer = Buffer.alloc(0);
        this.offset = 0;
        if (up) this.onclose?.(this.closing ? undefined : error);
      });
      socket.once("connect", async () => {
        up = true;
        this.connected = true;
        try {
          // the handshake goes before anyone else's command: send() is callable only from here on
          const password = decodeURIComponent(u.password);
          if (password) await this.send("AUTH", u.username ? [decodeURIComponent(u.username), password] : [password]);
          const db = u.pathname.replace(/^\//, "");
          if (db) await this.send("SELECT", [db]);
        } catch (e) {
          socket.destroy();
          return reject(e);
        }
        resolve();
        this.onconnect?.();
      });
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the reply's shape is the caller's to know
  send<T = any>(command: string, args: unknown[]): Promise<T> {
    if (!this.connected || !this.socket) return Promise.reject(new Error("Connection closed"));
    const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n`)];
    for (const a of [command, ...args]) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(a === undefined || a === null ? "" : String(a));
      parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: unknown) => void, reject });
      this.socket!.write(Buffer.concat(parts));
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  async duplicate(): Promise<this> {
    return new RespClient(this.url) as this;
  }

  // the few convenience methods the adapter's type asks for
  get(key: string): Promise<string | null> {
    return this.send<string | null>("GET", [key]);
  }
  smembers(key: string): Promise<string[]> {
    return this.send<string[]>("SMEMBERS", [key]);
  }
  incr(key: string): Promise<number> {
    return this.send<number>("INCR", [key]);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.offset < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.offset), chunk]) : chunk;
    this.offset = 0;
    for (;;) {
      const parsed = this.parse(this.offset);
      if (parsed === INCOMPLETE) return;
      this.offset = parsed.end;
      const waiter = this.pending.shift();
      if (!waiter) {
        this.onmessage?.(parsed.value); // nobody asked: a pub/sub message
        continue;
      }
      if (parsed.value instanceof Error) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
  }

  private parse(at: number): { value: Reply; end: number } | typeof INCOMPLETE {
    const buf = this.buffer;
    const eol = buf.indexOf(CRLF, at);
    if (eol < 0) return INCOMPLETE;
    const line = buf.toString("utf8", at + 1, eol);
    const next = eol + 2;
    switch (buf[at]) {
      case 0x2b: // +
        return { value: line, end: next };
      case 0x2d: // -
        return { value: new Error(line), end: next };
      case 0x3a: // :
        return { value: Number(line), end: next };
      case 0x24: {
        // $
        const n = Number(line);
        if (n < 0) return { value: null, end: next };
        if (buf.length < next + n + 2) return INCOMPLETE;
        return { value: buf.toString("utf8", next, next + n), end: next + n + 2 };
      }
      case 0x2a: {
        // *
        const n = Number(line);
        if (n < 0) return { value: null, end: next };
        const items: Reply[] = [];
        let end = next;
        for (let i = 0; i < n; i++) {
          const item = this.parse(end);
          if (item === INCOMPLETE) return INCOMPLETE;
          items.push(item.value);
          end = item.end;
        }
        return { value: items, end };
      }
      default:
        throw new ExecutorError(`unexpected reply from Redis: ${JSON.stringify(line.slice(0, 40))}`);
    }
  }
}

const CRLF = Buffer.from("\r\n");

export type RedisConnection = ReturnType<typeof createBunRedisClient>;


/** A BullMQ connection to `url` (redis://[user:password@]host:port[/db]); connects in the background. */
export function redisConnection(url: string): RedisConnection {
  const client = createBunRedisClient(new RespClient(url));
  // The adapter emits 'error' when the server goes away, then reconnects by itself; an 'error'
  // with no listener would end the process. Callers see failures as rejected commands.
  client.on("error", () => {});
  return client;
}
