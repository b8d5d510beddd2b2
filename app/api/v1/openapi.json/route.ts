import { route } from "#lib/api/route.ts";
import { operations } from "#lib/api/operations.ts";
import { openApiDocument } from "#lib/api/openapi.ts";

const document = openApiDocument();

/** The OpenAPI 3.1 document of this API, generated from the schemas the routes use. */
export const GET = route(operations.openapi, async () => document);
