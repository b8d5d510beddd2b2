import { describe, expect, it } from "vitest";
import { fieldShown, fieldsFor, fieldsFromJsonSchema, parseFieldText } from "../../lib/canvas/form.ts";
import { ancestors, cloneFragment, newNodeId, toDefinition, toFlow } from "../../lib/canvas/mapping.ts";
import { diffDefinitions } from "../../lib/canvas/diff.ts";
import { readWorkflowFile, exportFile, copyName } from "../../lib/canvas/file-format.ts";
import { layout } from "../../lib/canvas/layout.ts";
import { stepDefinitions } from "../../lib/steps/index.ts";
import { examples } from "../../lib/db/examples.ts";
import type { Definition } from "../../lib/workflow/definition.ts";

describe("form generation", () => {
  it("turns the HTTP step's schema into labelled fields of the right kinds", () => {
    const fields = fieldsFor(stepDefinitions.http.config);
    const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));
    expect(fields.map((f) => f.key)).toEqual(["method", "url", "headers", "credential", "body", "timeoutMs", "successStatus", "maxResponseBytes"]);
    expect(byKey.credential).toMatchObject({ kind: "credential", credentialKind: "http_header,http_bearer,http_basic" });
    expect(byKey.method).toMatchObject({ kind: "select", label: "Method", options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], defaultValue: "GET" });
    expect(byKey.url).toMatchObject({ kind: "text", label: "URL", required: true, description: expect.stringContaining("Baton's own API") });
    expect(byKey.body).toMatchObject({ kind: "json" });
    expect(byKey.headers).toMatchObject({ kind: "json" });
    expect(byKey.timeoutMs).toMatchObject({ kind: "number", templatable: true, integer: true, max: 300_000 });
    expect(byKey.maxResponseBytes).toMatchObject({ kind: "number", templatable: false });
  });

  it("gives the approval step checkboxes for roles and a one-per-line list for people", () => {
    const byKey = Object.fromEntries(fieldsFor(stepDefinitions.approval.config).map((f) => [f.key, f]));
    expect(byKey.roles).toMatchObject({ kind: "multiselect", options: ["viewer", "editor", "operator", "approver", "admin"], defaultValue: ["approver"] });
    expect(byKey.users).toMatchObject({ kind: "list" });
    expect(byKey.escalateRoles).toMatchObject({ kind: "multiselect" });
    expect(byKey.onDeadline).toMatchObject({ kind: "select", options: ["reject", "approve", "escalate"], defaultValue: "reject" });
    expect(byKey.deadline).toMatchObject({ kind: "text", required: false });
    expect(byKey.data).toMatchObject({ kind: "json" });
  });

  it("offers credentials of the right kind for a connection, and JavaScript for a script", () => {
    expect(fieldsFor(stepDefinitions.database.config).find((f) => f.key === "credential")).toMatchObject({ kind: "credential", credentialKind: "postgres", required: false });
    expect(fieldsFor(stepDefinitions.email.config).find((f) => f.key === "credential")).toMatchObject({ kind: "credential", credentialKind: "smtp" });
    expect(fieldsFor(stepDefinitions.code.config).find((f) => f.key === "code")).toMatchObject({ kind: "code", language: "javascript", required: true });
  });

  it("marks expressions as code and templatable numbers as such", () => {
    const condition = fieldsFor(stepDefinitions.condition.config);
    expect(condition.map((f) => [f.key, f.kind, f.shownWhen])).toEqual([
      ["mode", "select", undefined],
      ["expression", "code", { mode: "expression" }],
      ["flag", "flag", { mode: "flag" }],
      ["context", "json", { mode: "flag" }],
      ["whenValue", "json", { mode: "flag" }],
    ]);
    // The mode's default shows the expression until flag mode is chosen.
    expect(condition.filter((f) => fieldShown(f, {}, condition)).map((f) => f.key)).toEqual(["mode", "expression"]);
    expect(condition.filter((f) => fieldShown(f, { mode: "flag" }, condition)).map((f) => f.key)).toEqual(["mode", "flag", "context", "whenValue"]);
    expect(fieldsFor(stepDefinitions.delay.config).map((f) => [f.key, f.kind, f.templatable])).toEqual([
      ["durationMs", "number", true],
      ["until", "text", true],
    ]);
  });

  it("reads what a text box holds for its field", () => {
    const [duration] = fieldsFor(stepDefinitions.delay.config);
    expect(parseFieldText(duration, "1500")).toBe(1500);
    expect(parseFieldText(duration, "{{ input.wait }}")).toBe("{{ input.wait }}");
    expect(parseFieldText(duration, "  ")).toBeUndefined();
    expect(parseFieldText(duration, "abc")).toBe("abc");
  });

  it("makes a form from a start node's JSON Schema", () => {
    const fields = fieldsFromJsonSchema({ type: "object", required: ["email"], properties: { email: { type: "string", title: "E-mail" }, count: { type: "integer" }, kind: { enum: ["a", "b"] }, vip: { type: "boolean" } } });
    expect(fields.map((f) => [f.key, f.kind, f.label, f.required])).toEqual([
      ["email", "text", "E-mail", true],
      ["count", "number", "Count", false],
      ["kind", "select", "Kind", false],
      ["vip", "checkbox", "Vip", false],
    ]);
  });
});

describe("definition ↔ canvas", () => {
  it("round-trips every example without loss", () => {
    for (const { definition } of examples) {
      const flow = toFlow(definition);
      expect(toDefinition(flow.nodes, flow.edges)).toEqual(definition);
    }
  });

  it("keeps retry, timeout and handles, and drops editor-only data", () => {
    const definition: Definition = {
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 }, config: {} },
        { id: "c", type: "condition", name: "Check", position: { x: 1.23456, y: 2 }, config: { expression: "true" }, retry: { maxAttempts: 5 }, timeoutMs: 1000 },
      ],
      edges: [{ id: "e", source: "start", target: "c" }, { id: "f", source: "c", target: "start", sourceHandle: "true" }],
    };
    const flow = toFlow(definition);
    flow.nodes[1].data.problems = ["something"];
    const back = toDefinition(flow.nodes, flow.edges);
    expect(back.nodes[1]).toEqual({ id: "c", type: "condition", name: "Check", position: { x: 1.2, y: 2 }, config: { expression: "true" }, retry: { maxAttempts: 5 }, timeoutMs: 1000 });
    expect(back.edges[1]).toEqual({ id: "f", source: "c", target: "start", sourceHandle: "true" });
  });

  it("names new nodes after their type without clashes", () => {
    expect(newNodeId("http", ["http_1", "http_2", "start"])).toBe("http_3");
    expect(newNodeId("end", [])).toBe("end_1");
  });

  it("pastes copies with fresh ids and the edges among them only", () => {
    const { nodes, edges } = toFlow(examples[0].definition);
    const picked = nodes.filter((n) => ["reserve_stock", "done"].includes(n.id));
    const copy = cloneFragment(picked, edges, nodes.map((n) => n.id));
    expect(copy.nodes.map((n) => n.id)).toEqual(["transform_1", "end_1"]);
    expect(copy.edges).toEqual([expect.objectContaining({ source: "transform_1", target: "end_1" })]);
    expect(copy.nodes[0].position).toEqual({ x: picked[0].position.x + 40, y: picked[0].position.y + 40 });
  });

  it("knows which steps come before a step", () => {
    const { edges } = toFlow(examples[0].definition);
    expect(ancestors("prepare", edges).sort()).toEqual(["auto_approve", "check_amount", "manual_review", "start"]);
  });

  it("lays out left to right without overlaps", () => {
    const { nodes, edges } = toFlow(examples[0].definition);
    const laid = layout(nodes, edges);
    const x = Object.fromEntries(laid.map((n) => [n.id, n.position.x]));
    expect(x.start).toBeLessThan(x.check_amount);
    expect(x.check_amount).toBeLessThan(x.prepare);
    expect(x.prepare).toBeLessThan(x.done);
    const boxes = laid.map((n) => n.position);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      expect(Math.abs(boxes[i].x - boxes[j].x) >= 220 || Math.abs(boxes[i].y - boxes[j].y) >= 64).toBe(true);
    }
  });
});

describe("version diff", () => {
  it("tells added, removed, changed and moved steps apart", () => {
    const before = examples[0].definition;
    const after: Definition = structuredClone(before);
    after.nodes = after.nodes.filter((n) => n.id !== "auto_approve");
    after.nodes.find((n) => n.id === "check_amount")!.config.expression = "input.amount > 500";
    after.nodes.find((n) => n.id === "done")!.position.x += 10;
    after.nodes.push({ id: "audit", type: "transform", position: { x: 0, y: 0 }, config: { output: 1 } });
    after.edges = after.edges.filter((e) => e.target !== "auto_approve" && e.source !== "auto_approve");
    const diff = diffDefinitions(before, after);
    expect(diff.nodes).toMatchObject({ audit: "added", auto_approve: "removed", check_amount: "changed", done: "moved", start: "same" });
    expect(diff.fields.check_amount).toEqual([{ path: "config.expression", before: "input.amount > 100", after: "input.amount > 500" }]);
    expect(diff.edges["check_amount|false|auto_approve"]).toBe("removed");
  });

  it("names each changed value by its deepest path, with both sides", () => {
    const node = (config: Record<string, unknown>, retry?: Record<string, unknown>) => ({ nodes: [{ id: "x", type: "http", position: { x: 0, y: 0 }, config, ...(retry ? { retry } : {}) }], edges: [] });
    const diff = diffDefinitions(node({ url: "https://a", headers: { Accept: "json", Old: "1" } }), node({ url: "https://a", headers: { Accept: "xml" }, body: [1] }, { maxAttempts: 5 }));
    expect(diff.fields.x).toEqual([
      { path: "retry", before: undefined, after: { maxAttempts: 5 } },
      { path: "config.headers.Accept", before: "json", after: "xml" },
      { path: "config.headers.Old", before: "1", after: undefined },
      { path: "config.body", before: undefined, after: [1] },
    ]);
  });
});

describe("workflow files", () => {
  it("reads back what it exports", () => {
    const file = exportFile({ name: "X", description: "d" }, examples[1].definition);
    expect(readWorkflowFile(JSON.stringify(file), "x.json")).toEqual({ ok: true, name: "X", description: "d", definition: examples[1].definition });
  });

  it("says what is wrong with a file it cannot import", () => {
    expect(readWorkflowFile("{", "a.json")).toMatchObject({ ok: false, problems: [expect.stringContaining("a.json is not JSON")] });
    expect(readWorkflowFile('{"hello": 1}', "a.json")).toMatchObject({ ok: false, problems: [expect.stringContaining("is not a Baton workflow")] });
    expect(readWorkflowFile(JSON.stringify({ format: "baton.workflow", formatVersion: 2, name: "x", definition: {} }), "a.json")).toMatchObject({
      ok: false,
      problems: [expect.stringContaining("newer Baton")],
    });
    expect(readWorkflowFile(JSON.stringify({ nodes: [{ id: "a" }], edges: [] }), "my-flow.json")).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.stringContaining("definition.nodes.0.type")]) });
    expect(readWorkflowFile(JSON.stringify(examples[1].definition), "my-flow.json")).toMatchObject({ ok: true, name: "my flow" });
  });

  it("names an import whose name is taken after the first free copy number", () => {
    expect(copyName("Orders", ["Orders"])).toBe("Orders (2)");
    expect(copyName("Orders", ["Orders", "Orders (2)", "Orders (3)"])).toBe("Orders (4)");
    // A file exported from a copy counts on from the base name, never "Orders (2) (2)".
    expect(copyName("Orders (2)", ["Orders", "Orders (2)"])).toBe("Orders (3)");
  });
});
