// Real web and worker processes for integration and e2e tests, each on the test's database.
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../scripts/lib/embedded-postgres.ts";
import { nextBin } from "../../scripts/lib/build.ts";

export interface Proc {
  child: ChildProcess;
  /** Everything the process printed, for assertions and for failure messages. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

// Children run in their own process groups (so that a stop reaches their children too); kill
// what is left of them when this process exits, so an interrupted test or bench leaves nothing.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** The key test processes encrypt credentials with (32 bytes, base64). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");

function launch(args: string[], env: Record<string, string | undefined>): Proc {
  const child = spawn(process.execPath, args, {
    // One credential key for a test's web and workers (as BATON_SECRET_KEY would be in production).
    env: { ...process.env, LOG_FORMAT: "json", NEXT_TELEMETRY_DISABLED: "1", BATON_SECRET_KEY: TEST_SECRET_KEY, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  running.add(child);
  const exited = new Promise<number | null>((r) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      r(code ?? (signal ? -1 : null));
    }),
  );
  const kill = (signal: NodeJS.Signals = "SIGKILL") => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  return {
    child,
    output: () => out,
    exited,
    kill,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Whether a process with this id is running. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ""}`);
}

export interface Web extends Proc {
  url: string;
}

export async function startWeb(databaseUrl: string, env: Record<string, string | undefined> = {}): Promise<Web> {
  const port = await freePort();
  const proc = launch([nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    DATABASE_URL: databaseUrl,
    BATON_PROCESS: "web",
    // As `npm start` on the embedded database: callbacks to the tests' own servers are allowed.
    BATON_EGRESS_ALLOW: "loopback",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `web on ${url}`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`web exited early:\n${proc.output()}`);
      return (await fetch(`${url}/api/v1/health`)).status === 200;
    },
    60_000,
  ).catch(async (error) => {
    await proc.stop(1000);
    throw error;
  });
  return { ...proc, url };
}

/** A worker process; like `npm start` on the embedded database, it may call loopback addresses
 * (the tests' own servers) unless the test sets BATON_EGRESS_ALLOW itself. */
export function launchWorker(databaseUrl: string, env: Record<string, string | undefined> = {}): Proc {
  return launch(["worker/main.ts"], { DATABASE_URL: databaseUrl, BATON_PROCESS: "worker", BATON_EGRESS_ALLOW: "loopback", BATON_APP_DATABASE_URL: process.env.BATON_TEST_APP_DATABASE_URL, ...env });
}

export async function startWorker(databaseUrl: string, env: Record<string, string | undefined> = {}): Promise<Proc> {
  const proc = launchWorker(databaseUrl, env);
  await waitFor(
    "worker start",
    () => {
      if (proc.child.exitCode !== null) throw new Error(`worker exited early:\n${proc.output()}`);
      return proc.output().includes('"worker started"');
    },
    60_000,
  ).catch(async (error) => {
    await proc.stop(1000);
    throw error;
  });
  return proc;
}
