// An async queue: one side pushes items as they become ready, the other iterates them with
// `for await` until the queue is closed. The runner feeds an executor this way, since a task is
// ready only once its upstream tasks have finished.
//
//   const channel = new TaskChannel<number>();
//   channel.push(1); channel.close();
//   for await (const n of channel) console.log(n);   // 1

export class TaskChannel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    if (this.closed) throw new Error("push after close");
    this.items.push(item);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.items.length > 0) {
        // hand over everything queued at once; shift() one by one is quadratic on long queues
        const batch = this.items.splice(0);
        yield* batch;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
