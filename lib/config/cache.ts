// Rule sets and flags as workers read them: cached in each process, and dropped from the cache
// by a NOTIFY sent in the transaction that changed them (channel `baton_config`, payload the
// entry's key), so a change takes effect in every worker as soon as it commits, without a
// restart. The cache is only used while its process listens (worker/notifications.ts tells it):
// a notice lost while the listener reconnects cannot leave a stale entry, because nothing is
// cached then, and everything is dropped when it is back.

export const CONFIG_CHANNEL = "baton_config";

/** The cache entries a change makes stale: `flag:<key>`, `rule_set:<key>`. */
export const configKey = (kind: "flag" | "rule_set", key: string) => `${kind}:${key}`;

/** Sent inside the changing transaction: Postgres delivers it on commit, not before. */
export async function notifyConfigChanged(tx: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> }, key: string): Promise<void> {
  await tx.$executeRawUnsafe(`select pg_notify('${CONFIG_CHANNEL}', $1)`, key);
}

export class ConfigCache {
  #entries = new Map<string, unknown>();
  #live = false;
  /** Bumped by every invalidation: a load that started before one is not kept. */
  #generation = 0;

  /** The cached value, or `load()`'s (kept only while listening and nothing changed meanwhile). */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.#live && this.#entries.has(key)) return this.#entries.get(key) as T;
    const generation = this.#generation;
    const value = await load();
    if (this.#live && generation === this.#generation) {
      if (this.#entries.size >= 1000) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(key, value);
    }
    return value;
  }

  invalidate(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  /** Whether this process is listening for changes: only then are entries kept. */
  listening(live: boolean): void {
    this.#generation++;
    this.#live = live;
    this.#entries.clear();
  }
}

/** This process's cache (the worker's; the web reads the database directly). */
export const configCache = new ConfigCache();
