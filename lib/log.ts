// Structured logs: JSON lines in production, coloured lines on a terminal. Each process names
// itself (`web`, `worker`, `launcher`) and request handlers derive a child with a request id.
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { env } from "./env.ts";

export type { Logger };

function destination(): pino.DestinationStream | undefined {
  const format = env.LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
  if (format === "json") return undefined;
  // A synchronous stream, not a transport: transports need worker threads, which Next's
  // server bundle cannot resolve.
  return pretty({ colorize: process.stdout.isTTY, sync: true, ignore: "pid,hostname" });
}

export const log: Logger = pino(
  {
    level: env.LOG_LEVEL,
    base: { proc: process.env.BATON_PROCESS ?? "baton" },
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        ...["authorization", "cookie", '["set-cookie"]', '["x-api-key"]', '["proxy-authorization"]'].flatMap((h) => [`headers.${h}`, `*.headers.${h}`]),
      ],
      censor: "[redacted]",
    },
  },
  destination(),
);
