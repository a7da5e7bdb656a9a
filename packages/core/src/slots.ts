/**
 * A counting semaphore, first come first served: the runner's forks and throttles, the SSH channels of a
 * connection, the CLI's handshakes in flight. `take`/`give` where a holder gives its slot back while it
 * waits for something else (the free strategy); `use` for the usual bracket.
 */
export class Slots {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  give(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free += 1;
  }

  /** Run `fn` holding a slot (given back however it ends). */
  async use<T>(fn: () => Promise<T>): Promise<T> {
    await this.take();
    try {
      return await fn();
    } finally {
      this.give();
    }
  }
}
