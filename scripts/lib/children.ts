// Child processes of a launcher, each in its own process group so that signals reach the
// whole tree (`next start` forks a `next-server` that ignores its parent's death).
import { spawn, type ChildProcess } from "node:child_process";
import type { Logger } from "#lib/log.ts";

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves when the child has exited, with its code (or 128 + signal number). */
  exited: Promise<number>;
  signal(sig: NodeJS.Signals): void;
}

export function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { ipc?: boolean } = {},
): Child {
  const child = spawn(process.execPath, args, {
    env,
    detached: true,
    stdio: options.ipc ? ["ignore", "inherit", "inherit", "ipc"] : ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)));
    child.once("error", () => resolve(127));
  });
  return {
    name,
    process: child,
    exited,
    signal(sig) {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    },
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}

/** SIGTERM to every child, SIGKILL to those still running after `graceMs`. */
export async function stopChildren(children: Child[], graceMs: number, log: Logger): Promise<void> {
  for (const c of children) c.signal("SIGTERM");
  const deadline = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
  await Promise.all(
    children.map(async (c) => {
      if ((await Promise.race([c.exited, deadline])) === "timeout") {
        log.warn(`${c.name} did not stop within ${graceMs} ms; killing it`);
        c.signal("SIGKILL");
        await c.exited;
      }
    }),
  );
}
