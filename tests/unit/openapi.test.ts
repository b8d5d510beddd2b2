// The API's operations table is the one source for route specs and the OpenAPI document: every
// route file takes its spec from the operation of its own path and method, and every operation
// has a route.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { operations } from "../../lib/api/operations.ts";
import { openApiDocument } from "../../lib/api/openapi.ts";

const ROOT = "app/api/v1";

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return routeFiles(path);
    return name === "route.ts" ? [path] : [];
  });
}

/** app/api/v1/runs/[id]/route.ts → /runs/{id} */
const apiPath = (file: string) => `/${relative(ROOT, file).replace(/\/?route\.ts$/, "")}`.replace(/\[(\w+)\]/g, "{$1}");

const routes = routeFiles(ROOT)
  .filter((f) => !f.includes("[..."))
  .flatMap((file) => {
    const text = readFileSync(file, "utf8");
    const direct = [...text.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = route\(operations\.(\w+)/g)].map(([, method, op]) => ({ method, op }));
    // `const handler = route(operations.x, …); export { handler as GET, handler as POST }`
    const shared = /const handler = route\(operations\.(\w+)/.exec(text)?.[1];
    const aliased = shared ? [...text.matchAll(/handler as (GET|POST|PUT|PATCH|DELETE)/g)].map(([, method]) => ({ method, op: shared })) : [];
    return [...direct, ...aliased].map((r) => ({ ...r, file, path: apiPath(file) }));
  });

describe("the operations table", () => {
  it("gives every route handler the spec of its own path", () => {
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) {
      const op = operations[r.op as keyof typeof operations];
      expect(op, `${r.file} uses unknown operation ${r.op}`).toBeDefined();
      expect(op.path, r.file).toBe(r.path);
      if (r.op !== "demoFlaky") expect(op.method, r.file).toBe(r.method);
    }
  });

  it("has a route for every operation, and the files export no handler outside it", () => {
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const [id, op] of Object.entries(operations)) expect(served.has(`${op.method} ${op.path}`), id).toBe(true);
    for (const file of routeFiles(ROOT).filter((f) => !f.includes("[..."))) {
      const exported = [...readFileSync(file, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].length;
      expect(routes.filter((r) => r.file === file).length, file).toBeGreaterThanOrEqual(exported);
    }
  });
});

describe("the OpenAPI document", () => {
  const doc = openApiDocument();

  it("describes every operation with its permission, parameters and body schema", () => {
    const count = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    expect(count).toBe(Object.keys(operations).length);
    const start = doc.paths["/workflows/{id}/runs"].post as { parameters: { name: string; in: string }[]; requestBody: { content: { "application/json": { schema: { properties: object } } } }; "x-baton-permission": string; responses: object };
    expect(start["x-baton-permission"]).toBe("runs.start");
    expect(start.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["path:id", "query:wait"]);
    expect(Object.keys(start.requestBody.content["application/json"].schema.properties)).toEqual(["input", "version", "correlationId", "callbackUrl"]);
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(["202", "401", "403", "404", "413", "422"]));
    const health = doc.paths["/health"].get as { security: unknown[] };
    expect(health.security).toEqual([]);
  });

  it("keeps every reference inside the document", () => {
    const text = JSON.stringify(doc);
    expect(text).not.toContain("#/$defs/");
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(doc.components.schemas, name).toHaveProperty(name);
  });
});
