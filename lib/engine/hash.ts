import { createHash } from "node:crypto";
import { canonicalJson } from "../workflow/canonical.ts";

export { canonicalJson };

export const requestHash = (value: unknown): string => createHash("sha256").update(canonicalJson(value)).digest("hex");
