// Workflows, drafts and versions through the API: roles, draft revisions, and publish-time
// validation that names the node and field of every problem and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition, linear, startEngine, type Engine } from "../helpers/engine.ts";
import type { Role } from "../../lib/auth/permissions.ts";

let engine: Engine;
const as = (role: Role) => engine.as(role);
const db = () => engine.db;

beforeAll(async () => {
  engine = await startEngine({ workers: 0 });
});
afterAll(() => engine?.stop());

async function snapshot() {
  const [workflows, versions] = await Promise.all([
    db().prisma.workflow.findMany({ orderBy: { id: "asc" } }),
    db().prisma.workflowVersion.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({ workflows, versions });
}

describe("workflows", () => {
  it("are created with a start node, listed, renamed; viewers read but do not write", async () => {
    const editor = await as("editor");
    const created = await editor.post("/workflows", { name: "Invoices", description: "Sends invoices" });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "Invoices", activeVersion: null, draftRevision: 1, createdBy: "user:editor@test.local", problems: [] });
    const detail = await editor.get(`/workflows/${created.json.id}`);
    expect(detail.json.draft.nodes).toEqual([expect.objectContaining({ id: "start", type: "start" })]);

    const viewer = await as("viewer");
    expect((await viewer.get("/workflows")).json.workflows.map((w: { name: string }) => w.name)).toContain("Invoices");
    expect((await viewer.get("/workflows?q=invoi")).json.workflows).toHaveLength(1);
    expect((await viewer.post("/workflows", { name: "nope" })).status).toBe(403);
    expect((await viewer.put(`/workflows/${created.json.id}/draft`, { definition: linear([]) })).status).toBe(403);

    const renamed = await editor.patch(`/workflows/${created.json.id}`, { name: "Invoicing" });
    expect(renamed.json.name).toBe("Invoicing");
  });

  it("keep drafts that are invalid and list their problems; a malformed draft is refused", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Drafty" });
    const invalid = definition([{ id: "start", type: "start" }, { id: "x", type: "teleport" }], [["start", "x"]]);
    const saved = await editor.put(`/workflows/${wf.id}/draft`, { definition: invalid, revision: 1 });
    expect(saved.status).toBe(200);
    expect(saved.json.revision).toBe(2);
    expect(saved.json.problems).toEqual([expect.objectContaining({ nodeId: "x", path: "nodes.1.type" })]);

    const before = await snapshot();
    const malformed = await editor.put(`/workflows/${wf.id}/draft`, { definition: { nodes: "all of them" } });
    expect(malformed.status).toBe(422);
    expect(malformed.json.errors.map((e: { path: string }) => e.path)).toEqual(["definition.nodes", "definition.edges"]);
    expect(await snapshot()).toBe(before);
  });

  it("refuse a draft save from a stale revision (two editors) with 409", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Contended" });
    expect((await editor.put(`/workflows/${wf.id}/draft`, { definition: linear([]), revision: 1 })).status).toBe(200);
    const before = await snapshot();
    const stale = await editor.put(`/workflows/${wf.id}/draft`, { definition: linear([{ id: "t", type: "transform", config: { output: 1 } }]), revision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ state: "stale-revision", revision: 2 });
    expect(await snapshot()).toBe(before);
  });

  it("publish immutable, numbered versions of a valid draft", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Versions", definition: linear([{ id: "t", type: "transform", config: { output: 1 } }]) });
    const v1 = await editor.post(`/workflows/${wf.id}/versions`, { note: "first" });
    expect(v1.status).toBe(201);
    expect(v1.json.version).toMatchObject({ number: 1, note: "first", createdBy: "user:editor@test.local" });
    await editor.put(`/workflows/${wf.id}/draft`, { definition: linear([{ id: "t", type: "transform", config: { output: 2 } }]) });
    // A publish without a body is fine too.
    const v2 = await editor.request("POST", `/workflows/${wf.id}/versions`);
    expect(v2.status).toBe(201);
    expect(v2.json.version.number).toBe(2);

    expect((await editor.get(`/workflows/${wf.id}`)).json.activeVersion).toBe(2);
    expect((await editor.get(`/workflows/${wf.id}/versions`)).json.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const first = await editor.get(`/workflows/${wf.id}/versions/1`);
    expect(first.json.definition.nodes[1].config.output).toBe(1);
    expect((await editor.get(`/workflows/${wf.id}/versions/7`)).status).toBe(404);
    expect((await editor.get(`/workflows/${wf.id}/versions/zero`)).status).toBe(404);
  });
});

describe("publishing refuses an invalid draft, naming node and field, and stores nothing", () => {
  const cases: [string, unknown, { nodeId?: string; edgeId?: string; path: string; message: RegExp }[]][] = [
    ["an unknown step type", definition([{ id: "start", type: "start" }, { id: "x", type: "teleport" }], [["start", "x"]]), [{ nodeId: "x", path: "nodes.1.type", message: /^“teleport” is not a step type Baton knows; use / }]],
    [
      "unknown and invalid config fields",
      linear([{ id: "call", type: "http", config: { url: "ftp://files", verb: "GET" } }]),
      [
        { nodeId: "call", path: "nodes.1.config.url", message: /starts with http:\/\/ or https:\/\// },
        { nodeId: "call", path: "nodes.1.config.verb", message: /^Remove “verb”: it is not a setting here\.$/ },
      ],
    ],
    [
      "a cycle",
      definition(
        [
          { id: "start", type: "start" },
          { id: "a", type: "transform", config: { output: 1 } },
          { id: "b", type: "transform", config: { output: 2 } },
        ],
        [
          ["start", "a"],
          ["a", "b"],
          ["b", "a"],
        ],
      ),
      [{ edgeId: "e2", path: "edges.2", message: /closes a loop \(“a” → “b” → “a”\)/ }],
    ],
    [
      "two starts",
      definition([{ id: "start", type: "start" }, { id: "again", type: "start" }, { id: "end", type: "end" }], [["start", "end"], ["again", "end"]]),
      [{ nodeId: "again", path: "nodes.1.type", message: /^“again” is a second Start step; a workflow has exactly one\.$/ }],
    ],
    [
      "a dangling edge",
      { ...linear([]), edges: [{ id: "e0", source: "start", target: "end" }, { id: "ghost", source: "end", target: "nowhere" }] },
      [
        { edgeId: "ghost", path: "edges.1.target", message: /^This connection goes to a step that does not exist \(“nowhere”\)\.$/ },
      ],
    ],
    ["an invalid template", linear([{ id: "t", type: "transform", config: { output: { a: "{{ input.( }}" } } }]), [{ nodeId: "t", path: "nodes.1.config.output.a", message: /^The template \{\{ input\.\( \}\} cannot be read/ }]],
    [
      "a condition edge without its branch",
      definition(
        [
          { id: "start", type: "start" },
          { id: "c", type: "condition", config: { expression: "input.x" } },
          { id: "end", type: "end" },
        ],
        [
          ["start", "c"],
          ["c", "end"],
        ],
      ),
      [{ edgeId: "e1", path: "edges.1.sourceHandle", message: /^Connect from one of “c”’s outputs: “true” or “false”\.$/ }],
    ],
    ["no start at all", definition([{ id: "t", type: "transform", config: { output: 1 } }], []), [{ path: "nodes", message: /^Add a Start step/ }]],
    [
      "an unreachable node",
      definition([{ id: "start", type: "start" }, { id: "island", type: "end" }], []),
      [{ nodeId: "island", path: "nodes.1", message: /^“island” cannot be reached from Start/ }],
    ],
  ];

  for (const [label, draft, expected] of cases) {
    it(label, async () => {
      const editor = await as("editor");
      const { json: wf } = await editor.post("/workflows", { name: label, definition: draft });
      const before = await snapshot();
      const res = await editor.post(`/workflows/${wf.id}/versions`, {});
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      for (const e of expected) {
        expect(res.json.errors).toContainEqual(expect.objectContaining({ ...e, message: expect.stringMatching(e.message) }));
      }
      expect(await snapshot()).toBe(before);
    });
  }
});

describe("publishing", () => {
  it("refuses a version identical to the last with 409, and lets warnings through", async () => {
    const editor = await as("editor");
    const withWarning = linear([
      { id: "fetch", type: "http", config: { url: "https://api.example" } },
      { id: "use", type: "transform", config: { output: "{{ steps.fetch.output.bdy }}" } },
    ]);
    const { json: wf } = await editor.post("/workflows", { name: "Twice", definition: withWarning });
    expect(wf.problems).toEqual([expect.objectContaining({ nodeId: "use", severity: "warning" })]);
    expect((await editor.post(`/workflows/${wf.id}/versions`, {})).status).toBe(201);
    const again = await editor.post(`/workflows/${wf.id}/versions`, {});
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ detail: "Nothing changed since version 1; edit the draft before publishing again.", state: "unchanged", version: 1 });
    expect((await editor.get(`/workflows/${wf.id}/versions`)).json.versions).toHaveLength(1);
  });
});

describe("bad requests", () => {
  it("answer 404 for unknown workflows and 422 for unknown body fields", async () => {
    const editor = await as("editor");
    expect((await editor.get("/workflows/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await editor.get("/workflows/nope")).status).toBe(404);
    const res = await editor.post("/workflows", { name: "x", colour: "red" });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([{ path: "colour", message: "Remove “colour”: it is not a known field." }]);
  });
});

describe("oversized definitions", () => {
  it("refuse a config string over the limit, naming it and the field, and keep the draft as it was", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Braces" });
    const before = await snapshot();
    // 160,000 braces once cost the web process 3.9 s of template scanning on every save and read.
    const hostile = linear([{ id: "t", type: "transform", config: { output: "{".repeat(160_000) } }]);
    const res = await editor.put(`/workflows/${wf.id}/draft`, { definition: hostile });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([
      { nodeId: "t", path: "definition.nodes.1.config.output", message: "This value is 160,000 characters long; a value may have at most 100,000." },
    ]);
    expect(await snapshot()).toBe(before);

    // Just under the limit: saved, validated and read back at once.
    const large = linear([{ id: "t", type: "transform", config: { output: "{{".repeat(49_000) } }]);
    const saved = await editor.put(`/workflows/${wf.id}/draft`, { definition: large });
    expect(saved.status).toBe(200);
    expect((await editor.get(`/workflows/${wf.id}`)).json.draft.nodes[1].config.output).toHaveLength(98_000);
  });

  it("refuse a definition over a million characters of JSON, and bodies over 1 MiB with 413", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Huge" });
    const before = await snapshot();
    const nodes = Array.from({ length: 11 }, (_, i) => ({ id: `t${i}`, type: "transform", config: { output: "x".repeat(91_000) } }));
    const res = await editor.put(`/workflows/${wf.id}/draft`, { definition: linear(nodes) });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([{ path: "definition", message: expect.stringMatching(/^This workflow is 1,00\d,\d{3} characters of JSON; a workflow may have at most 1,000,000\.$/) }]);
    const tooBig = await editor.put(`/workflows/${wf.id}/draft`, { definition: linear([{ id: "t", type: "transform", config: { output: "x".repeat(1_100_000) } }]) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.detail).toContain("1048576 bytes");
    expect(await snapshot()).toBe(before);
  });
});

describe("run input schemas", () => {
  it("check patterns with RE2: a backtracking pattern and a hostile input answer 422 at once", async () => {
    const editor = await as("editor");
    const schema = { type: "object", properties: { code: { type: "string", pattern: "^(a+)+$" } } };
    const { json: wf } = await editor.post("/workflows", { name: "Patterned", definition: definition([{ id: "start", type: "start", config: { inputSchema: schema } }, { id: "end", type: "end" }], [["start", "end"]]) });
    expect((await editor.post(`/workflows/${wf.id}/versions`, {})).status).toBe(201);
    const res = await editor.post(`/workflows/${wf.id}/runs`, { input: { code: "a".repeat(50_000) + "!" } });
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([{ path: "input.code", message: 'input.code must match pattern "^(a+)+$".' }]);
    expect(await db().prisma.run.count({ where: { workflowId: wf.id } })).toBe(0);
  });

  it("refuse a pattern RE2 cannot run when publishing, naming the field", async () => {
    const editor = await as("editor");
    const schema = { type: "object", properties: { twice: { type: "string", pattern: "(a)\\1" } } };
    const { json: wf } = await editor.post("/workflows", { name: "Backreference", definition: definition([{ id: "start", type: "start", config: { inputSchema: schema } }, { id: "end", type: "end" }], [["start", "end"]]) });
    const res = await editor.post(`/workflows/${wf.id}/versions`, {});
    expect(res.status).toBe(422);
    expect(res.json.errors).toEqual([expect.objectContaining({ nodeId: "start", path: "nodes.0.config.inputSchema", message: expect.stringContaining("not supported") })]);
  });
});

describe("duplicate and delete", () => {
  it("duplicates a draft as a new, unpublished workflow", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Original", description: "d", definition: linear([{ id: "t", type: "transform", config: { output: 1 } }]) });
    const copy = await editor.post(`/workflows/${wf.id}/duplicate`);
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({ name: "Copy of Original", description: "d", activeVersion: null });
    expect((await editor.get(`/workflows/${copy.json.id}`)).json.draft).toEqual((await editor.get(`/workflows/${wf.id}`)).json.draft);
    expect((await (await as("viewer")).post(`/workflows/${wf.id}/duplicate`)).status).toBe(403);
  });

  it("hides a deleted workflow but keeps its runs readable", async () => {
    const editor = await as("editor");
    const { json: wf } = await editor.post("/workflows", { name: "Doomed", definition: linear([]) });
    await editor.post(`/workflows/${wf.id}/versions`, {});
    const run = await editor.post(`/workflows/${wf.id}/runs`, { input: {} });
    expect((await (await as("viewer")).delete(`/workflows/${wf.id}`)).status).toBe(403);
    expect((await editor.delete(`/workflows/${wf.id}`)).status).toBe(204);
    expect((await editor.get("/workflows")).json.workflows.some((w: { id: string }) => w.id === wf.id)).toBe(false);
    expect((await editor.get(`/workflows/${wf.id}`)).status).toBe(404);
    expect((await editor.post(`/workflows/${wf.id}/runs`, { input: {} })).status).toBe(404);
    expect((await editor.get(`/runs/${run.json.id}`)).status).toBe(200);
    expect((await editor.delete(`/workflows/${wf.id}`)).status).toBe(404);
  });
});
