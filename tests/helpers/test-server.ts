// A local HTTP server for HTTP steps: each path behaves as the test says, and every request is
// recorded (method, headers, body) for assertions.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  path: string;
  /** Path and query string. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  at: number;
}

type Behavior = (request: Recorded, callNumber: number, res: ServerResponse) => unknown;

export interface TestServer {
  url: string;
  requests: Recorded[];
  calls(path: string): Recorded[];
  on(path: string, behavior: Behavior): void;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const behaviors = new Map<string, Behavior>();
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const recorded = { method: req.method ?? "GET", path, url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() };
    requests.push(recorded);
    const behavior = behaviors.get(path);
    if (!behavior) {
      res.writeHead(404).end("no behavior for " + path);
      return;
    }
    await behavior(recorded, requests.filter((r) => r.path === path).length, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (path) => requests.filter((r) => r.path === path),
    on: (path, behavior) => behaviors.set(path, behavior),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
