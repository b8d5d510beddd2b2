// Where a reader stands in the run event log. Events are ordered by (writing transaction id,
// event id), and readers only read events of transactions older than every running one, so a
// position never has an event committed behind it later. A position is also the SSE event id
// that `Last-Event-ID` sends back on reconnect.
import { z } from "zod";

export interface Position {
  xid: bigint;
  id: bigint;
}

export const ORIGIN: Position = { xid: 0n, id: 0n };

const PATTERN = /^(\d{1,20})-(\d{1,20})$/;

export const formatPosition = (p: Position): string => `${p.xid}-${p.id}`;

export function parsePosition(text: string): Position | null {
  const m = PATTERN.exec(text);
  return m ? { xid: BigInt(m[1]), id: BigInt(m[2]) } : null;
}

export function comparePositions(a: Position, b: Position): number {
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

export const laterOf = (a: Position, b: Position): Position => (comparePositions(a, b) >= 0 ? a : b);

/** A position in a query string or header: `<xid>-<id>`, or `0` for the beginning. */
export const positionParam = z
  .string()
  .refine((s) => s === "0" || PATTERN.test(s), "Use an event id as the stream sent it (<xid>-<id>), or 0 for the beginning.")
  .transform((s) => (s === "0" ? ORIGIN : parsePosition(s)!));
