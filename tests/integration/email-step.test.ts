// The Email step against a real SMTP server (smtp-server on a local port): the message and its
// headers arrive, a 4xx is retried and a 5xx is not, an attempt cut short by a killed worker sends
// once where the server honours the Message-ID, and without a credential the message goes to the
// outbox.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linear, publish, runWorkflow, startEngine, stepOf, waitForRun, waitForStep, type Engine } from "../helpers/engine.ts";
import { waitFor } from "../helpers/processes.ts";

interface Received {
  raw: string;
  messageId: string;
  recipients: string[];
}
let engine: Engine;
let server: SMTPServer;
const received: Received[] = [];
const seenIds = new Set<string>();
const busyOnce = new Set<string>();
let holdMs = 0;
let dataStarted = 0;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, callback) => (auth.password === "smtp-password-0042" ? callback(null, { user: auth.username }) : callback(new Error("bad password"))),
    onRcptTo: (address, _session, callback) => {
      if (address.address.startsWith("bounce")) return callback(Object.assign(new Error("no such user"), { responseCode: 550 }));
      if (address.address.startsWith("busy") && !busyOnce.has(address.address)) {
        busyOnce.add(address.address);
        return callback(Object.assign(new Error("try again later"), { responseCode: 451 }));
      }
      callback();
    },
    onData: (stream, session, callback) => {
      let raw = "";
      stream.on("data", (d) => (raw += d));
      stream.on("end", () => {
        dataStarted++;
        const messageId = /^Message-ID: (.+)$/im.exec(raw)?.[1].trim() ?? "";
        // A server that honours Message-ID: a message it has seen is accepted and not delivered again.
        if (!seenIds.has(messageId)) received.push({ raw, messageId, recipients: session.envelope.rcptTo.map((r) => r.address) });
        seenIds.add(messageId);
        setTimeout(() => callback(), holdMs);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  // Templates may build up to 32 MB here, so attachments can pass their own 10 MB limit.
  // Two 6 MB templates: room for them in size and, on a busy machine, in time.
  engine = await startEngine({ workerEnv: { BATON_EXPRESSION_MAX_RESULT_BYTES: String(32 * 1024 * 1024), BATON_EXPRESSION_TIMEOUT_MS: "20000" } });
  const admin = await engine.as("admin");
  const port = (server.server.address() as AddressInfo).port;
  const made = await admin.post("/credentials", { name: "MAIL", kind: "smtp", value: "smtp-password-0042", settings: { host: "127.0.0.1", port, secure: false, username: "baton", from: "noreply@example.com" } });
  expect(made.status).toBe(201);
});
afterAll(async () => {
  await engine?.stop();
  await new Promise<void>((r) => server?.close(() => r()));
});

async function send(config: Record<string, unknown>, input: unknown = {}, retry?: Record<string, unknown>) {
  const admin = await engine.as("admin");
  const id = await publish(admin, linear([{ id: "mail", type: "email", config, ...(retry ? { retry } : {}) }]), `mail ${Math.random()}`);
  return runWorkflow(admin, id, input);
}

describe("the Email step", () => {
  it("sends the message with its headers and the step's key as Message-ID", async () => {
    const admin = await engine.as("admin");
    const runId = await send({ credential: "MAIL", to: "{{ input.to }}", cc: ["boss@example.com"], subject: "Expense {{ input.id }} approved", text: "Paid {{ input.amount }} EUR", html: "<p>Paid <b>{{ input.amount }}</b> EUR</p>" }, { to: "ada@example.com, bob@example.com", id: "E-7", amount: 240 });
    const run = await waitForRun(admin, runId);
    expect(run.status).toBe("succeeded");
    const mail = received.find((m) => m.messageId === stepOf(run, "mail").output.messageId)!;
    expect(mail.messageId).toBe(`<${runId}-mail@baton>`);
    expect(mail.recipients.sort()).toEqual(["ada@example.com", "bob@example.com", "boss@example.com"]);
    expect(mail.raw).toMatch(/^Subject: Expense E-7 approved$/m);
    expect(mail.raw).toMatch(/^From: noreply@example.com$/m);
    expect(mail.raw).toContain("Paid 240 EUR");
    expect(JSON.stringify(run)).not.toContain("smtp-password-0042");
  });

  it("sets Reply-To and attaches files from templates, text or base64, and refuses more than 10 MB", async () => {
    const admin = await engine.as("admin");
    const attachments = [
      { filename: "expenses.csv", content: "id,amount\n{{ input.id }},{{ input.amount }}\n", contentType: "text/csv" },
      { filename: "logo.bin", content: Buffer.from([0, 1, 2, 250]).toString("base64"), encoding: "base64" },
    ];
    const run = await waitForRun(admin, await send({ credential: "MAIL", to: "dora@example.com", replyTo: "finance@example.com", subject: "Report", text: "See attached", attachments }, { id: "E-9", amount: 12 }));
    expect(run.status).toBe("succeeded");
    const mail = received.find((m) => m.recipients.includes("dora@example.com"))!;
    expect(mail.raw).toMatch(/^Reply-To: finance@example.com$/m);
    expect(mail.raw).toMatch(/filename=expenses\.csv/);
    expect(mail.raw).toContain(Buffer.from("id,amount\nE-9,12\n").toString("base64"));
    expect(mail.raw).toContain(Buffer.from([0, 1, 2, 250]).toString("base64"));

    const huge = '{{ $pad("", 6000000, "x") }}';
    const big = await waitForRun(admin, await send({ credential: "MAIL", to: "erin@example.com", subject: "Too big", text: "x", attachments: [{ filename: "a.txt", content: huge }, { filename: "b.txt", content: huge }] }));
    expect(stepOf(big, "mail")).toMatchObject({ status: "failed", attempt: 1, error: { code: "email_attachments_too_large" } });
    expect(received.some((m) => m.recipients.includes("erin@example.com"))).toBe(false);
  });

  it("does not retry a 5xx refusal, and retries a 4xx until it is accepted, delivering once", async () => {
    const admin = await engine.as("admin");
    const bounced = await waitForRun(admin, await send({ credential: "MAIL", to: "bounce@example.com", subject: "x", text: "x" }));
    expect(stepOf(bounced, "mail")).toMatchObject({ status: "failed", attempt: 1, error: { code: "smtp_550" } });
    const busy = await waitForRun(admin, await send({ credential: "MAIL", to: "busy@example.com", subject: "later", text: "x" }, {}, { maxAttempts: 3, initialDelayMs: 100, jitter: "none" }));
    expect(stepOf(busy, "mail")).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(received.filter((m) => m.recipients.includes("busy@example.com"))).toHaveLength(1);
  });

  it("sends once when its worker is killed while the server answers, where the server honours Message-ID", async () => {
    const admin = await engine.as("admin");
    holdMs = 4_000;
    const before = dataStarted;
    const runId = await send({ credential: "MAIL", to: "carol@example.com", subject: "once", text: "x" });
    await waitFor("the server to have the message", () => dataStarted > before, 30_000);
    engine.workers[0].kill("SIGKILL");
    await engine.workers[0].exited;
    holdMs = 0;
    await engine.addWorker();
    const run = await waitForRun(admin, runId, ["succeeded", "failed"], 90_000);
    expect(run.status).toBe("succeeded");
    expect(stepOf(run, "mail").attempt).toBe(2);
    expect(received.filter((m) => m.recipients.includes("carol@example.com"))).toHaveLength(1);
  });

  it("writes to the outbox without a credential, once, and the outbox lists it", async () => {
    const admin = await engine.as("admin");
    const runId = await send({ to: ["dev@example.com"], replyTo: ["ops@example.com"], subject: "Local only", text: "not sent", attachments: [{ filename: "a.txt", content: "héllo" }] });
    await waitForStep(admin, runId, "mail", ["succeeded"]);
    const outbox = (await (await engine.as("viewer")).get("/outbox")).json.messages;
    expect(outbox).toEqual([
      expect.objectContaining({
        subject: "Local only",
        to: ["dev@example.com"],
        replyTo: ["ops@example.com"],
        attachments: [{ filename: "a.txt", contentType: "text/plain", size: 6 }],
        runId,
        nodeId: "mail",
        messageId: `<${runId}-mail@baton>`,
      }),
    ]);
    expect(received.some((m) => m.raw.includes("Local only"))).toBe(false);
  });
});
