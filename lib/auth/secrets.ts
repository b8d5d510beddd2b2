// Random bearer secrets (session cookies, API tokens). Only their SHA-256 is stored.
import { createHash, randomBytes } from "node:crypto";

export const newSecret = (prefix = ""): string => prefix + randomBytes(32).toString("base64url");
export const sha256 = (value: string): string => createHash("sha256").update(value).digest("hex");
