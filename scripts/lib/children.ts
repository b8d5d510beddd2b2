// Child processes of a launcher, each in its own process group so that signals reach the
// whole tree (`next start` forks a `next-server` that ignores its parent's death).
import { spawn, type ChildProcess } from "node:child_process";
import type { Logger } from "#lib/log.ts";
import type { Exit, Running } from "./supervisor.ts";

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves when the child has exited, with its code (or 128 + signal number). */
  exited: Promise<number>;
  exit: Promise<Exit>;
  /** Signals the child's whole process group. */
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
  const exit = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: 127, signal: null }));
  });
  const exited = exit.then(({ code, signal }) => code ?? 128 + (signal ? signalNumber(signal as NodeJS.Signals) : 0));
  return {
    name,
    process: child,
    exited,
    exit,
    signal(sig) {
      if (!child.pid) return;
      // Also after the leader exited: what it started (next-server) may still hold the port.
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

/** A child as the supervisor runs it: stopping is SIGTERM, then SIGKILL after `graceMs`; when it
 * ends, however, whatever is left of its process group is killed. */
export function supervised(child: Child, graceMs: number, log: Logger): Running {
  void child.exit.then(() => child.signal("SIGKILL"));
  return { pid: child.process.pid, exit: child.exit, stop: () => stopChildren([child], graceMs, log), kill: () => child.signal("SIGKILL") };
}
