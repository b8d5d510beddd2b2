// Prisma CLI configuration (`prisma generate`, and `prisma migrate deploy` where the native
// engine exists). Baton itself applies migrations with Prisma's WebAssembly schema engine
// (lib/db/migrate.ts), so nothing here is needed at run time.
import { existsSync } from "node:fs";
import { defineConfig } from "prisma/config";

// The CLI insists on a native schema engine binary even for `generate`, which never runs it.
// Our machines cannot download it; any existing file satisfies the check.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && !existsSync("node_modules/@prisma/engines/schema-engine-debian-openssl-3.0.x")) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = "package.json";
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/baton" },
});
