// Alerts end to end with local receivers: a failing run sends one signed webhook and one Slack
// message; a second failure while the alert is open sends nothing more; the next success sends
// the resolved notifications; a receiver that fails twice gets the delivery on the third try;
// the history shows it all; and the requests that must be refused are.
import { afterAll, beforeAll, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { SMTPServer } from "smtp-server";
import { definition, linear, publish, runWorkflow, startEngine, waitForRun, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";
import { json, startTestServer, type TestServer } from "../helpers/test-server.ts";
import { emailFor } from "../helpers/fixtures.ts";

let engine: Engine;
let server: TestServer;
let smtp: SMTPServer;
const mailed: { to: string[]; raw: string }[] = [];
beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, callback) => (auth.password === "alerts-smtp-pass" ? callback(null, { user: auth.username }) : callback(new Error("bad password"))),
    onData: (stream, session, callback) => {
      let raw = "";
      stream.on("data", (d) => (raw += d));
      stream.on("end", () => {
        mailed.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  server = await startTestServer();
  server.on("/hook", (_r, _n, res) => json(res, 200, {}));
  server.on("/slack", (_r, _n, res) => res.writeHead(200).end("ok"));
  server.on("/flaky", (_r, n, res) => (n <= 2 ? json(res, 503, { error: "down" }) : json(res, 200, {})));
  engine = await startEngine();
});
afterAll(async () => {
  await engine?.stop();
  await server?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

it("refuses a viewer and a bad channel, naming the field", async () => {
  const admin = await engine.as("admin");
  const viewer = await engine.as("viewer");
  expect((await viewer.post("/alert-channels", { kind: "slack", name: "x", url: `${server.url}/slack` })).status).toBe(403);
  const bad = await admin.post("/alert-channels", { kind: "webhook", name: "x", url: "ftp://nope" });
  expect(bad.status).toBe(422);
  expect(bad.json.errors[0].path).toBe("url");
  const noChannel = await admin.post("/alert-rules", { name: "x", kind: "run_failed", channelIds: ["00000000-0000-4000-8000-000000000000"] });
  expect(noChannel.status).toBe(422);
  expect(noChannel.json.errors).toEqual([{ path: "channelIds.0", message: "No such channel." }]);
  expect((await admin.get("/alert-rules")).json.rules).toEqual([]);
});

it("sends a failing run's alert once to each channel, deduplicates the next failure, and sends the resolution", async () => {
  const admin = await engine.as("admin");
  const editor = await engine.as("editor");
  const hook = await admin.post("/alert-channels", { kind: "webhook", name: "On-call hook", url: `${server.url}/hook` });
  expect(hook.status).toBe(201);
  expect(hook.json.secret).toMatch(/^whsec_/);
  const slack = await admin.post("/alert-channels", { kind: "slack", name: "#ops", url: `${server.url}/slack?token=t0p-s3cret` });
  // The Slack URL is its credential: it is not shown again.
  expect(JSON.stringify((await admin.get("/alert-channels")).json)).not.toContain("t0p-s3cret");

  const workflowId = await publish(editor, linear([{ id: "charge", type: "transform", config: { output: "{{ input.ok ? 1 : $error('card declined') }}" } }]), "Charge");
  const rule = await admin.post("/alert-rules", { name: "Charge failed", kind: "run_failed", workflowId, channelIds: [hook.json.id, slack.json.id] });
  expect(rule.status).toBe(201);

  const failed = await waitForRun(editor, await runWorkflow(editor, workflowId, { ok: false }));
  expect(failed.status).toBe("failed");
  await waitFor("the firing notifications", () => server.calls("/hook").length >= 1 && server.calls("/slack").length >= 1, 30_000);
  const firing = server.calls("/hook")[0];
  const payload = new Webhook(hook.json.secret).verify(firing.body, firing.headers as Record<string, string>) as { type: string; message: string; url: string; rule: { name: string } };
  expect(payload).toMatchObject({ type: "alert.firing", rule: { name: "Charge failed" } });
  expect(payload.message).toContain("card declined");
  expect(payload.url).toContain(`/runs/${failed.id}`);
  expect(JSON.parse(server.calls("/slack")[0].body).text).toMatch(/Firing.*Charge failed[\s\S]*card declined[\s\S]*Open in Baton/);

  // Another failure while the alert is open: the same alert, nothing sent.
  const { rows: before } = await engine.db.pool.query(`select last_seen_at from alerts where rule_id = $1`, [rule.json.id]);
  await waitForRun(editor, await runWorkflow(editor, workflowId, { ok: false }));
  await waitFor("a sweep after the second failure", async () => {
    const { rows } = await engine.db.pool.query(`select last_seen_at from alerts where rule_id = $1`, [rule.json.id]);
    return rows[0].last_seen_at > before[0].last_seen_at ? true : undefined;
  }, 30_000);
  expect(server.calls("/hook")).toHaveLength(1);
  expect(server.calls("/slack")).toHaveLength(1);

  // Fixed: the next run succeeds and the alert resolves.
  await waitForRun(editor, await runWorkflow(editor, workflowId, { ok: true }));
  await waitFor("the resolved notifications", () => server.calls("/hook").length === 2 && server.calls("/slack").length === 2, 30_000);
  expect(JSON.parse(server.calls("/hook")[1].body).type).toBe("alert.resolved");
  expect(JSON.parse(server.calls("/slack")[1].body).text).toContain("Resolved");

  const history = (await (await engine.as("viewer")).get("/alerts")).json.alerts;
  expect(history).toHaveLength(1);
  expect(history[0]).toMatchObject({ ruleName: "Charge failed", state: "resolved", subject: `workflow:${workflowId}` });
  expect(history[0].deliveries.map((d: { channel: string; kind: string; status: string }) => [d.channel, d.kind, d.status]).sort()).toEqual([
    ["#ops", "firing", "delivered"],
    ["#ops", "resolved", "delivered"],
    ["On-call hook", "firing", "delivered"],
    ["On-call hook", "resolved", "delivered"],
  ]);
});

it("alerts when a workflow has not run within its window, and when an approval is escalated past its deadline", async () => {
  const admin = await engine.as("admin");
  const editor = await engine.as("editor");
  server.on("/quiet", (_r, _n, res) => json(res, 200, {}));
  const channel = await admin.post("/alert-channels", { kind: "webhook", name: "Quiet", url: `${server.url}/quiet` });
  const nightly = await publish(editor, linear([]), "Nightly export");
  const approve = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start" },
        { id: "sign", type: "approval", config: { title: "Sign off?", roles: ["approver"], deadline: "1s", onDeadline: "escalate", escalateRoles: ["admin"], escalationDeadline: "1h" } },
        { id: "end", type: "end" },
      ],
      [["start", "sign"], ["sign", "end", "approved"]],
    ),
    "Sign-off",
  );
  await admin.post("/alert-rules", { name: "Nightly quiet", kind: "no_run", workflowId: nightly, params: { windowMinutes: 0.25 }, channelIds: [channel.json.id] });
  await admin.post("/alert-rules", { name: "Sign-off overdue", kind: "approval_overdue", workflowId: approve, channelIds: [channel.json.id] });
  await runWorkflow(editor, approve);
  const bodies = () => server.calls("/quiet").map((c) => JSON.parse(c.body) as { type: string; message: string; rule: { name: string } });
  await waitFor("both alerts", () => bodies().some((b) => b.rule.name === "Nightly quiet") && bodies().some((b) => b.rule.name === "Sign-off overdue"), 60_000);
  expect(bodies().find((b) => b.rule.name === "Nightly quiet")!.message).toBe("Nightly export has not run for 0.25 min (never ran)");
  expect(bodies().find((b) => b.rule.name === "Sign-off overdue")!.message).toBe("The approval sign of Sign-off is overdue: nobody decided by its deadline");
  // It runs: the quiet alert resolves at the next sweep (every 5 s, well within the 15 s window).
  await waitForRun(editor, await runWorkflow(editor, nightly));
  await waitFor("the quiet alert resolved", () => bodies().some((b) => b.rule.name === "Nightly quiet" && b.type === "alert.resolved"), 30_000);
}, 120_000);

it("tells an approval's eligible people, each with a personal decision link that decides it", async () => {
  const admin = await engine.as("admin");
  const editor = await engine.as("editor");
  server.on("/approvals-hook", (_r, _n, res) => json(res, 200, {}));
  const hook = await admin.post("/alert-channels", { kind: "webhook", name: "Approvals hook", url: `${server.url}/approvals-hook` });
  const mail = await admin.post("/alert-channels", { kind: "email", name: "Approvals mail", to: ["finance@example.com"] });
  const workflowId = await publish(
    editor,
    definition(
      [
        { id: "start", type: "start" },
        { id: "pay", type: "approval", config: { title: "Pay invoice 7?", roles: ["approver"] } },
        { id: "end", type: "end" },
      ],
      [["start", "pay"], ["pay", "end", "approved"]],
    ),
    "Invoices",
  );
  await admin.post("/alert-rules", { name: "Approvals", kind: "approval_requested", workflowId, channelIds: [hook.json.id, mail.json.id] });
  const runId = await runWorkflow(editor, workflowId);
  await waitFor("the approval's notification", () => server.calls("/approvals-hook").length >= 1, 30_000);
  const sent = JSON.parse(server.calls("/approvals-hook")[0].body) as { message: string; decisionLinks: { email: string; url: string }[] };
  expect(sent.message).toBe("Approval needed: Pay invoice 7? (Invoices)");
  expect(sent.decisionLinks.map((l) => l.email)).toEqual([emailFor("approver")]);
  // By email: the approver's own message with their own link; the channel's list the summary.
  const mails = await waitFor("the e-mails", async () => {
    const { rows } = await engine.db.pool.query(`select "to", text from outbox_messages where subject = '[Baton] Firing: Approvals' order by id`);
    return rows.length === 2 ? rows : undefined;
  }, 30_000);
  const personal = mails.find((m) => m.to.includes(emailFor("approver")))!;
  expect(personal.text).toMatch(/Decide here \(a link for you alone/);
  expect(mails.find((m) => m.to.includes("finance@example.com"))!.text).not.toContain("/approve/");
  // The link decides; the alert resolves.
  const token = sent.decisionLinks[0].url.split("/approve/")[1];
  const decided = await fetch(`${engine.web.url}/api/v1/approval-links/${token}/decisions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ decision: "approve" }) });
  expect(decided.status).toBe(200);
  expect((await waitForRun(editor, runId)).status).toBe("succeeded");
  await waitFor("the resolution", () => server.calls("/approvals-hook").some((c) => JSON.parse(c.body).type === "alert.resolved"), 30_000);
});

it("retries a receiver that fails twice, and shows the attempts", async () => {
  const admin = await engine.as("admin");
  const flaky = await admin.post("/alert-channels", { kind: "webhook", name: "Flaky", url: `${server.url}/flaky` });
  expect((await admin.post(`/alert-channels/${flaky.json.id}/test`, {})).status).toBe(201);
  const test = await waitFor("the test delivery", async () => {
    const { tests } = (await admin.get("/alerts")).json;
    const t = tests.find((x: { channel: string }) => x.channel === "Flaky");
    return t?.status === "delivered" ? t : undefined;
  }, 30_000);
  expect(test).toMatchObject({ attempts: 3, lastError: null });
  expect(server.calls("/flaky")).toHaveLength(3);
  expect(JSON.parse(server.calls("/flaky")[2].body)).toMatchObject({ type: "alert.test", channel: "Flaky" });
});

it("sends an e-mail channel's messages through its SMTP credential", async () => {
  const admin = await engine.as("admin");
  const { port } = smtp.server.address() as { port: number };
  expect((await admin.post("/credentials", { name: "ALERT_MAIL", kind: "smtp", value: "alerts-smtp-pass", settings: { host: "127.0.0.1", port, secure: false, username: "baton", from: "alerts@example.com" } })).status).toBe(201);
  const channel = await admin.post("/alert-channels", { kind: "email", name: "On-call mail", to: ["oncall@example.com"], credential: "ALERT_MAIL" });
  expect((await admin.post(`/alert-channels/${channel.json.id}/test`, {})).status).toBe(201);
  await waitFor("the test e-mail", () => mailed.length >= 1, 30_000);
  expect(mailed[0].to).toEqual(["oncall@example.com"]);
  expect(mailed[0].raw).toContain("Subject: [Baton] Test alert");
  expect(mailed[0].raw).toContain("A test from Baton to On-call mail.");
});
