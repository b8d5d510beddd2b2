// Sticky percentage rollout: a key (a customer id, say) falls in one of 10,000 buckets, fixed by a
// hash of the flag's key and the key, so one customer always gets the same answer at the same
// percentage, and raising the percentage only adds customers (bucket < percentage × 100 keeps
// holding for every key it held for). Each flag hashes with its own key, so two flags at 10 % do
// not pick the same customers. Browser-safe (no node:crypto): FNV-1a then a 32-bit mix.

/** The key's bucket for this flag: 0 … 9,999. */
export function bucketOf(flagKey: string, key: string): number {
  let h = 0x811c9dc5;
  for (const c of `${flagKey}\u0000${key}`) {
    h ^= c.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone leaves low bits poorly spread for short, similar keys: finish with murmur3's mix.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 10_000;
}

/** Whether the key is in the rollout at `percent` (0 … 100, hundredths count). */
export const inRollout = (flagKey: string, key: string, percent: number) => bucketOf(flagKey, key) < Math.round(percent * 100);

/** Weighted choice among variants (weights in percent, summing to 100), sticky the same way: a
 * key keeps its variant while the weights before it stay the same. */
export function variantOf<V>(flagKey: string, key: string, variants: readonly { value: V; weight: number }[]): V | undefined {
  const bucket = bucketOf(flagKey, key);
  let upTo = 0;
  for (const v of variants) {
    upTo += Math.round(v.weight * 100);
    if (bucket < upTo) return v.value;
  }
  return undefined;
}
