// The web process's live listener survives Postgres restarting, twice in a row: an SSE stream
// opened before the restarts goes on delivering, and what was written while the listener was
// away arrives after it reconnects, once and in order. The test runs a Postgres of its own
// (restarting the shared one would disturb the other files) with a proxy in front of the web
// process that tells the listener's connections apart from the pool's.
import { mkdtemp, rm, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import { expect, it } from "vitest";
import pg from "pg";
import { linear, publish, runWorkflow, waitForRun } from "../helpers/engine.ts";
import { startWeb, startWorker, waitFor, type Proc, type Web } from "../helpers/processes.ts";
import { openStream, type SseStream } from "../helpers/sse.ts";
import { Client } from "../helpers/http.ts";
import { createRoleUsers, emailFor, PASSWORD } from "../helpers/fixtures.ts";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { ensureDatabase } from "../../scripts/lib/database.ts";
import { withDatabase } from "../../lib/db/url.ts";
import { applyMigrations } from "../../lib/db/migrations.ts";
import { createDb } from "../../lib/db.ts";

const LISTENER = "baton-web-listen";

interface PgProxy {
  port: number;
  /** Connections of the live listener that found no Postgres behind the proxy (or were held). */
  listenerFailures(): number;
  /** Turns the listener's connections away (Postgres stays reachable for everyone else). */
  holdListener(hold: boolean): void;
  close(): Promise<void>;
}

/** The application_name of a Postgres startup message, once the whole message has arrived. */
function applicationName(buffer: Buffer): string | null | undefined {
  if (buffer.length < 8) return undefined;
  const length = buffer.readUInt32BE(0);
  if (buffer.length < length) return undefined;
  if (buffer.readUInt32BE(4) !== 196608) return null; // not a plain startup message (SSL, cancel)
  const fields = buffer.subarray(8, length).toString("utf8").split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "application_name") return fields[i + 1];
  return null;
}

/** A TCP proxy to Postgres that reads each connection's startup message to see whose it is. */
async function startPgProxy(target: () => number): Promise<PgProxy> {
  const sockets = new Set<Socket>();
  let failures = 0;
  let held = false;
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const name = applicationName(buffered);
      if (name === undefined) return;
      client.off("data", onData);
      const isListener = name === LISTENER;
      if (isListener && held) {
        failures++;
        return void client.destroy();
      }
      const upstream = connect(target(), "127.0.0.1");
      sockets.add(upstream);
      let connected = false;
      upstream.on("connect", () => {
        connected = true;
        upstream.write(buffered);
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => {
        if (!connected && isListener) failures++;
      });
      upstream.on("close", () => {
        sockets.delete(upstream);
        client.destroy();
      });
      client.on("close", () => upstream.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    listenerFailures: () => failures,
    holdListener: (hold) => void (held = hold),
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

it("keeps an open stream delivering across two Postgres restarts in a row, with what was written meanwhile once and in order", async () => {
  const dir = await mkdtemp(join(tmpdir(), "baton-restart-"));
  await chmod(dir, 0o755);
  let postgres: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: dir, port: 0, ephemeral: true });
  const port = postgres.port;
  const url = withDatabase(postgres.url, "baton");
  let proxy: PgProxy | undefined;
  let web: Web | undefined;
  let worker: Proc | undefined;
  let stream: SseStream | undefined;
  const sql = new pg.Client({ connectionString: url });
  try {
    await ensureDatabase(postgres.url, "baton");
    await applyMigrations(url);
    const handles = createDb(url, 1);
    await createRoleUsers(handles.prisma);
    // Closed before the restarts (its idle connection would log their loss); checks use `sql`.
    await handles.close();
    proxy = await startPgProxy(() => port);
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    web = await startWeb(proxied.toString());
    worker = await startWorker(url, { PORT: new URL(web.url).port });
    const cut = proxy;
    /** Stops Postgres and keeps it down until the listener has tried to reconnect and failed. */
    const outage = async (what: string) => {
      const failures = cut.listenerFailures();
      await postgres.stop();
      await waitFor(`the live listener to try to reconnect during ${what} (it failed ${failures} times before)`, () => cut.listenerFailures() > failures, 30_000);
    };
    const restart = async () => {
      postgres = await startEmbeddedPostgres({ dataDir: dir, port, ephemeral: true });
    };

    const editor = await new Client(web.url).login(emailFor("editor"), PASSWORD);
    const viewer = await new Client(web.url).login(emailFor("viewer"), PASSWORD);
    const workflowId = await publish(editor, linear([{ id: "t", type: "transform", config: { output: 1 } }]));
    const runs = (stream = await openStream(viewer, "/runs/stream"));
    expect(runs.status).toBe(200);
    await runs.waitFor("ready", (m) => m.some((x) => x.event === "ready"));
    const succeeded = (runId: string) => () => runs.events().some((e) => e.runId === runId && e.type === "run.succeeded");
    const before = await runWorkflow(editor, workflowId);
    await runs.waitFor("the first run to succeed", succeeded(before));

    await outage("the first restart");
    await restart();
    // The second restart comes while the listener is still (or just) reconnecting.
    await outage("the second restart");
    // Postgres comes back for everyone but the listener, so a run is written while it is away.
    proxy.holdListener(true);
    await restart();
    const meanwhile = await runWorkflow(editor, workflowId);
    await waitForRun(editor, meanwhile, ["succeeded"]);
    proxy.holdListener(false);
    await runs.waitFor("the run written while the listener was away", succeeded(meanwhile), 60_000);
    const after = await runWorkflow(editor, workflowId);
    await runs.waitFor("a run started after the listener is back", succeeded(after), 60_000);

    // The stream opened before the restarts saw every run-level event of the three runs, once
    // each, in the table's order.
    await sql.connect();
    const ids = [before, meanwhile, after];
    const { rows } = await sql.query(
      `select xid::text || '-' || id::text as position, run_id, type from run_events
        where run_id = any($1::uuid[]) and type like 'run.%' order by xid, id`,
      [ids],
    );
    const seen = runs.events().filter((e) => ids.includes(e.runId));
    expect(seen.map((e) => e.position)).toEqual(rows.map((r) => r.position));
    const missed = seen.filter((e) => e.runId === meanwhile).map((e) => e.type);
    expect([missed[0], missed.at(-1)]).toEqual(["run.created", "run.succeeded"]);
    // One listener connection again, not one per attempt.
    const listening = await sql.query(`select count(*)::int as n from pg_stat_activity where application_name = $1`, [LISTENER]);
    expect(listening.rows[0].n).toBe(1);
    expect(web.child.exitCode).toBeNull();
  } finally {
    stream?.close();
    await sql.end().catch(() => undefined);
    await worker?.stop();
    await web?.stop();
    await proxy?.close();
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}, 240_000);
