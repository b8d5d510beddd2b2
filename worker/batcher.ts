// Collects calls made in the same turn of the event loop and serves them with one call of
// `run` (DataLoader-style). Under load many step jobs finish together, and their reads and
// hand-offs then cost one database round trip each instead of one per step; an idle worker
// pays nothing, since a batch of one goes out on the next turn.
export class Batcher<I, O> {
  readonly #run: (items: I[]) => Promise<O[]>;
  readonly #max: number;
  #pending: { item: I; resolve(o: O): void; reject(e: unknown): void }[] = [];
  #scheduled = false;

  readonly #alone?: (error: unknown) => boolean;

  /** `alone`: when a batch fails with an error for which this is true (one item's fault, not
   * the database's), each item is run again by itself, so that only the bad one fails. */
  constructor(run: (items: I[]) => Promise<O[]>, options: { max?: number; alone?: (error: unknown) => boolean } = {}) {
    this.#run = run;
    this.#max = options.max ?? 100;
    this.#alone = options.alone;
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#max) void this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush() {
    this.#scheduled = false;
    const batch = this.#pending.splice(0);
    if (batch.length === 0) return;
    try {
      const results = await this.#run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (error) {
      if (batch.length > 1 && this.#alone?.(error)) {
        await Promise.all(batch.map((b) => this.#run([b.item]).then(([o]) => b.resolve(o), b.reject)));
      } else {
        for (const b of batch) b.reject(error);
      }
    }
  }
}
