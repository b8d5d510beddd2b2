// A Server-Sent Events client for API tests: reads the stream with fetch, parses messages, and
// lets a test wait for the ones it expects. Like EventSource it can resume with Last-Event-ID.
import type { Client } from "./http.ts";

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  messages: SseMessage[];
  /** Run events only (default `message` type), parsed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  events(): any[];
  /** The id of the last message that carried one: what EventSource would resume from. */
  lastId(): string | undefined;
  waitFor(what: string, check: (messages: SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

export async function openStream(client: Client, path: string, lastEventId?: string): Promise<SseStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (client.cookie) headers.cookie = client.cookie;
  if (lastEventId) headers["last-event-id"] = lastEventId;
  const response = await fetch(`${client.baseUrl}/api/v1${path}`, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  if (response.ok && response.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for await (const chunk of response.body!) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message: SseMessage = { event: "message", data: "" };
            let fields = 0;
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) continue;
              const [field, ...rest] = line.split(":");
              const value = rest.join(":").replace(/^ /, "");
              if (field === "id") message.id = value;
              else if (field === "event") message.event = value;
              else if (field === "data") message.data += message.data ? `\n${value}` : value;
              else continue;
              fields++;
            }
            if (fields > 0 && (message.id !== undefined || message.data || message.event !== "message")) messages.push(message);
          }
          waiters.forEach((w) => w());
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: response.status,
    messages,
    events: () => messages.filter((m) => m.event === "message").map((m) => JSON.parse(m.data)),
    lastId: () => messages.findLast((m) => m.id)?.id,
    waitFor(what, check, timeoutMs = 15_000) {
      if (check(messages)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for ${what}; got ${messages.map((m) => m.event + (m.data ? ` ${m.data.slice(0, 80)}` : "")).join(" | ")}`));
        }, timeoutMs);
        const waiter = () => {
          if (!check(messages)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
      });
    },
    close: () => controller.abort(),
  };
}
