// Which streamed events a response already includes. Reads that feed a live view report the
// database snapshot they were taken in (`pg_current_snapshot()`: "xmin:xmax:xip,…"); an event is
// in that snapshot when the transaction that wrote it had committed by then. The client applies
// only the other events on top, so a refetch never rolls a view back. Browser-safe.

export interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  running: Set<bigint>;
}

export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip = ""] = text.split(":");
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), running: new Set(xip ? xip.split(",").map(BigInt) : []) };
}

/** Whether the event at `position` (`<xid>-<id>`) was committed when `snapshot` was taken. */
export function snapshotIncludes(snapshot: Snapshot, position: string): boolean {
  const xid = BigInt(position.slice(0, position.indexOf("-")));
  return xid < snapshot.xmin || (xid < snapshot.xmax && !snapshot.running.has(xid));
}
