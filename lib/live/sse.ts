// A Server-Sent Events response for a scope of run events. The client resumes with
// `Last-Event-ID` (sent by EventSource on reconnect) or `?after=` (its first connection): it
// gets what it missed from the table, then live events from the process's listener, each once.
// Every event id is a position (see position.ts); `ready` and `ping` carry one too, so a client
// that saw no event of its own still resumes from where it stood.
import { badRequest } from "../api/errors.ts";
import { listener, readEvents, type LiveEvent } from "./listener.ts";
import { comparePositions, formatPosition, laterOf, parsePosition, type Position } from "./position.ts";
import type { Scope } from "./scope.ts";

const PING_MS = 15_000;
/** A client this many messages behind is dropped; it reconnects and catches up from the table. */
const MAX_BACKLOG = 5_000;
const RETRY_MS = 1_500;

export function resumePosition(request: Request, after: Position | undefined): Position | null {
  const header = request.headers.get("last-event-id");
  if (header) {
    const position = parsePosition(header);
    if (!position) throw badRequest("Last-Event-ID is not an event id of this stream.", [{ path: "headers.last-event-id", message: "Send an event id as the stream sent it (<xid>-<id>)." }]);
    return position;
  }
  return after ?? null;
}

export async function eventStream(request: Request, scope: Scope, resume: Position | null): Promise<Response> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let live = false;
  const pending: LiveEvent[] = [];
  let sent: Position | null = resume;

  const write = (text: string) => {
    if (closed) return;
    if ((controller.desiredSize ?? 0) < -MAX_BACKLOG) return close(true);
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close(); // the client went away
    }
  };
  const send = (event: LiveEvent) => {
    const position = parsePosition(event.position)!;
    if (sent && comparePositions(position, sent) <= 0) return; // the client is already past it
    sent = position;
    write(`id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`);
  };

  const subscription = await listener().subscribe(scope, (event) => (live ? send(event) : pending.push(event)));
  const ping = setInterval(() => {
    if (!live) return;
    sent = laterOf(sent ?? subscription.from, listener().position);
    write(`id: ${formatPosition(sent)}\nevent: ping\ndata:\n\n`);
  }, PING_MS);

  function close(error = false) {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    subscription.close();
    request.signal.removeEventListener("abort", onAbort);
    try {
      if (error) controller.error(new Error("the client fell too far behind"));
      else controller.close();
    } catch {
      // already closed by the client
    }
  }
  const onAbort = () => close();
  request.signal.addEventListener("abort", onAbort);

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        write(`retry: ${RETRY_MS}\n\n`);
      },
      cancel: () => close(),
    },
    { highWaterMark: 64 },
  );

  void (async () => {
    try {
      if (resume && comparePositions(resume, subscription.from) < 0) {
        for await (const batch of readEvents(scope, resume, subscription.from)) {
          if (closed) return;
          batch.forEach(send);
        }
      }
      pending.splice(0).forEach(send);
      live = true;
      sent = laterOf(sent ?? subscription.from, subscription.from);
      write(`id: ${formatPosition(sent)}\nevent: ready\ndata:\n\n`);
    } catch (error) {
      if (!closed) controller.error(error);
      close();
    }
  })();

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps compression from buffering the stream.
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
