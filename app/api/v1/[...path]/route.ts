// Unknown API paths answer with a problem document, not the HTML 404 page.
import { ApiError, problemResponse } from "#lib/api/errors.ts";
import { randomUUID } from "node:crypto";

const notFound = async (request: Request) =>
  problemResponse(new ApiError(404, "not-found", `No API route ${request.method} ${new URL(request.url).pathname}.`), randomUUID());

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
