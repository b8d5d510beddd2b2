// Where workflows may connect, and what Baton keeps of the credentials they send. A worker under
// the strict policy (nothing private allowed) is refused metadata, loopback, the database and
// redirects inside, at the first attempt and naming the rule, while Baton's own API still
// answers; a credential sent by an HTTP step reaches the server but no table, answer or log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, publish, runWorkflow, startEngine, stepOf, waitForRun, type Engine } from "../helpers/engine.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/processes.ts";

let engine: Engine;
let server: TestServer;
const retry = { maxAttempts: 3, initialDelayMs: 10 };

beforeAll(async () => {
  server = await startTestServer();
  // The web process allows loopback (callbacks to this test's server are accepted at start, so
  // that the worker's own refusal shows); the worker allows nothing private.
  engine = await startEngine({ workerEnv: { BATON_EGRESS_ALLOW: "none" } });
  server.on("/hello", (_req, _n, res) => json(res, 200, { hello: true }));
  server.on("/to-metadata", (_req, _n, res) => res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end());
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
});

async function failure(url: string) {
  const editor = await engine.as("editor");
  const id = await publish(editor, linear([{ id: "call", type: "http", retry, config: { url } }]), `call ${url}`);
  const runId = await runWorkflow(editor, id);
  const run = await waitForRun(editor, runId);
  const { rows } = await engine.db.pool.query(`select count(*)::int as n from step_attempts a join step_runs s on s.id = a.step_run_id where s.run_id = $1 and s.node_id = 'call'`, [runId]);
  return { status: run.status, error: stepOf(run, "call").error, attempts: rows[0].n };
}

describe("the egress policy", () => {
  it("refuses cloud metadata at once, naming the rule", async () => {
    const { status, error, attempts } = await failure("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    expect(status).toBe("failed");
    expect(error).toMatchObject({ code: "egress_denied", retryable: false, details: { rule: "cloud metadata" } });
    expect(error.message).toContain("the egress policy refuses 169.254.169.254:80");
    expect(attempts).toBe(1);
  });

  it("refuses loopback unless allowed, by address and by a name that resolves to it, and calls nothing", async () => {
    const port = new URL(server.url).port;
    for (const url of [`${server.url}/hello`, `http://localhost:${port}/hello`, `http://[::ffff:127.0.0.1]:${port}/hello`]) {
      const { error, attempts } = await failure(url);
      expect(error, url).toMatchObject({ code: "egress_denied", details: { rule: "loopback" } });
      expect(error.message).toContain("BATON_EGRESS_ALLOW");
      expect(attempts).toBe(1);
    }
    expect(server.calls("/hello")).toHaveLength(0);
  });

  it("always refuses Baton's own database, even where loopback is allowed", async () => {
    const lenient = await engine.addWorker({ BATON_EGRESS_ALLOW: "loopback" });
    try {
      await engine.workers[0].stop();
      const pg = new URL(engine.db.url);
      const { error } = await failure(`http://${pg.hostname}:${pg.port}/`);
      expect(error).toMatchObject({ code: "egress_denied", details: { rule: "Baton's database" } });
      // The same worker reaches the test server, and follows no redirect into metadata.
      const ok = await failure(`${server.url}/hello`);
      expect(ok.status).toBe("succeeded");
      const hop = await failure(`${server.url}/to-metadata`);
      expect(hop.error).toMatchObject({ code: "egress_denied", details: { rule: "cloud metadata" } });
      expect(server.calls("/to-metadata")).toHaveLength(1);
    } finally {
      await lenient.stop();
      engine.workers.splice(0, engine.workers.length);
      await engine.addWorker({ BATON_EGRESS_ALLOW: "none" });
    }
  });

  it("lets HTTP steps call Baton's own API by path", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([{ id: "health", type: "http", config: { url: "/api/v1/health" } }], { output: "{{ steps.health.output.status }}" }), "self call");
    const run = await waitForRun(editor, await runWorkflow(editor, id));
    expect(run.status).toBe("succeeded");
    expect(run.output).toBe(200);
  });

  it("fails a callback to a refused address at once, with the rule in the run's record", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([]), "callback");
    const res = await editor.post(`/workflows/${id}/runs`, { input: {}, callbackUrl: `${server.url}/hook` });
    expect(res.status).toBe(202);
    await waitForRun(editor, res.json.id);
    const events = await waitFor("the callback's outcome", async () => {
      const list = (await editor.get(`/runs/${res.json.id}/events`)).json.events as { type: string; data: { error?: string; attempts?: number } }[];
      return list.find((e) => e.type === "callback.failed");
    }, 15_000);
    expect(events.data).toMatchObject({ attempts: 1, error: expect.stringContaining("loopback addresses are refused") });
    expect(server.calls("/hook")).toHaveLength(0);
  });

  it("refuses at start a callback URL that points where the web process may not connect", async () => {
    const editor = await engine.as("editor");
    const id = await publish(editor, linear([]), "bad callback");
    const res = await editor.post(`/workflows/${id}/runs`, { input: {}, callbackUrl: "http://169.254.169.254/latest/" });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([{ path: "callbackUrl", message: expect.stringContaining("cloud metadata endpoints are always refused") }]);
  });
});

describe("credentials in HTTP steps", () => {
  const TOKEN = "tok_live_5ec7e7c4a1";
  const PASSWORD = "pw-5ec7e7c4b2";
  const QUERY = "qs-5ec7e7c4c3";
  const COOKIE = "ck-5ec7e7c4d4";
  const BODY = "cs-5ec7e7c4e5";
  const secrets = [TOKEN, PASSWORD, QUERY, COOKIE, BODY];

  it("reach the server but no table, API answer or log line", async () => {
    const lenient = await engine.addWorker({ BATON_EGRESS_ALLOW: "loopback" });
    await engine.workers[0].stop();
    engine.workers.splice(0, 1);
    // The server echoes what it got, sets a session cookie, and fails the second call with the token in its error body.
    server.on("/echo", (req, _n, res) => json(res, 200, { sawAuth: req.headers.authorization, url: req.url, sawBody: JSON.parse(req.body) }, { "set-cookie": `session=${COOKIE}; HttpOnly` }));
    server.on("/fail", (req, _n, res) => json(res, 400, { error: `bad token ${req.headers["x-api-key"]}` }));
    const base = new URL(server.url);
    const editor = await engine.as("editor");
    const id = await publish(
      editor,
      definition(
        [
          { id: "start", type: "start" },
          {
            id: "call",
            type: "http",
            config: {
              method: "POST",
              url: `http://alice:${PASSWORD}@${base.host}/echo?access_token=${QUERY}&page=2`,
              headers: { authorization: "Bearer {{ input.token }}", "x-forwarded-for": "10.9.8.7" },
              body: { client_secret: BODY, amount: 5 },
            },
          },
          { id: "again", type: "http", retry: { maxAttempts: 1 }, config: { url: `${server.url}/fail`, headers: { "x-api-key": "{{ input.token }}" } } },
        ],
        [["start", "call"], ["call", "again"]],
      ),
      "credentials",
    );
    const runId = await runWorkflow(editor, id, { token: TOKEN });
    const run = await waitForRun(editor, runId);
    expect(run.status).toBe("failed");

    // The calls carried the real values.
    const [call] = server.calls("/echo");
    expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call.url).toBe(`/echo?access_token=${QUERY}&page=2`);
    expect(JSON.parse(call.body)).toEqual({ client_secret: BODY, amount: 5 });
    // A step does not get to say where its request comes from.
    expect(call.headers["x-forwarded-for"]).toBeUndefined();
    expect(server.calls("/fail")[0].headers["x-api-key"]).toBe(TOKEN);

    // What Baton kept says where the values were, not what they were.
    const step = stepOf(run, "call");
    expect(step.input.headers.authorization).toBe("[redacted]");
    expect(step.input.body).toEqual({ client_secret: "[redacted]", amount: 5 });
    expect(step.input.url).toBe(`http://[redacted]@${base.host}/echo?access_token=[redacted]&page=2`);
    expect(step.output.headers["set-cookie"]).toBe("[redacted]");
    expect(step.output.body).toEqual({ sawAuth: "[redacted]", url: "/echo?access_token=[redacted]&page=2", sawBody: { client_secret: "[redacted]", amount: 5 } });
    expect(stepOf(run, "again").error.details.body).toContain("bad token [redacted]");

    // Nowhere in the database but the run input the caller sent (runs.input, and the start step's
    // output, which is that input).
    for (const secret of secrets) {
      const { rows } = await engine.db.pool.query(
        `select 'step_runs' as t from step_runs where run_id = $1 and node_id <> 'start' and concat(input, output, error)::text like $2
         union all select 'step_attempts' from step_attempts a join step_runs s on s.id = a.step_run_id where s.run_id = $1 and a.error::text like $2
         union all select 'step_logs' from step_logs l join step_runs s on s.id = l.step_run_id where s.run_id = $1 and concat(l.message, l.data)::text like $2
         union all select 'run_events' from run_events where run_id = $1 and data::text like $2
         union all select 'dead_letters' from dead_letters where run_id = $1 and error::text like $2
         union all select 'runs (output, error)' from runs where id = $1 and concat(output, error)::text like $2`,
        [runId, `%${secret}%`],
      );
      expect(rows, secret).toEqual([]);
    }

    // Nor in what a viewer reads, nor in the worker's log.
    const viewer = await engine.as("viewer");
    const answers = [
      (await viewer.get(`/runs/${runId}`)).json.steps.filter((st: { nodeId: string }) => st.nodeId !== "start"),
      (await viewer.get(`/runs/${runId}/events`)).json,
      (await viewer.get(`/runs/${runId}/steps/call/logs`)).json,
      (await viewer.get(`/runs/${runId}/steps/again/logs`)).json,
      (await viewer.get("/dead-letters")).json,
    ].map((a) => JSON.stringify(a));
    for (const secret of secrets) {
      for (const answer of answers) expect(answer.includes(secret), secret).toBe(false);
      expect(lenient.output().includes(secret), `worker log has ${secret}`).toBe(false);
    }
  });
});
