// A run event as streams carry it (and as the browser receives it). Browser-safe.
import { eventTypes, type EventType, type TypedEvent } from "../engine/event-catalog.ts";

export interface StreamEvent {
  /** `<xid>-<id>`: the SSE event id and the resume position (see position.ts). */
  position: string;
  id: string;
  runId: string;
  stepRunId: string | null;
  nodeId: string | null;
  /**
   * A type of the catalog (lib/engine/event-catalog.ts) for every event this version writes; left
   * a string because the table and the wire may hold types this version does not know (written
   * by another version). Readers narrow with `isKnownEvent` and skip the rest.
   */
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

/** A stream event of a type in the catalog, its `data` typed by its `type`. */
export type KnownEvent = TypedEvent<StreamEvent>;

const known: ReadonlySet<string> = new Set<EventType>(eventTypes);

export const isKnownType = (type: string): type is EventType => known.has(type);

/**
 * Whether the catalog knows the event's type; its payload is then the one the catalog gives
 * (the engine writes events typed from the catalog).
 */
export const isKnownEvent = (e: StreamEvent): e is KnownEvent => known.has(e.type);
