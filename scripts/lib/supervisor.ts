// Keeps the launcher's processes running: one that exits without being asked to (a crash, an
// out-of-memory kill, a SIGKILL) is restarted after a backoff that doubles with each recent
// crash (1 s, 2 s, 4 s ... at most 30 s). Only repeated crashes in a short window (by default 5
// in 5 minutes) give up, and then the launcher stops everything. Every crash, restart and give-
// up is logged and handed to `onEvent` (the launcher records them for health and the dashboard).
import type { Logger } from "#lib/log.ts";

export interface Exit {
  code: number | null;
  signal: string | null;
}

/** A started process, as the supervisor sees it. */
export interface Running {
  pid?: number;
  /** Resolves when the process has exited, however. */
  exit: Promise<Exit>;
  /** Asks it to stop (and waits until it has). */
  stop(): Promise<void>;
  /** Kills it at once (a second Ctrl-C). */
  kill?(): void;
}

export interface ProcessEvent {
  process: string;
  event: "crashed" | "restarted" | "gave_up";
  exitCode?: number | null;
  signal?: string | null;
  detail?: string;
}

export interface SupervisorOptions {
  log: Logger;
  onEvent(event: ProcessEvent): void;
  /** Called once, when a process crashed too often; the launcher stops then. */
  onGiveUp(name: string): void;
  maxCrashes?: number;
  windowMs?: number;
}

interface Unit {
  name: string;
  running?: Running;
  /** A restart under way: stopping waits for it, so that what it starts is stopped too. */
  starting?: Promise<Running | undefined>;
  start(): Promise<Running>;
  crashes: number[];
  restartTimer?: NodeJS.Timeout;
}

const MAX_BACKOFF_MS = 30_000;

export const describeExit = (exit: Exit) => (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`);

export class Supervisor {
  readonly #options: Required<SupervisorOptions>;
  readonly #units = new Map<string, Unit>();
  #stopping = false;

  constructor(options: SupervisorOptions) {
    this.#options = { maxCrashes: 5, windowMs: 5 * 60_000, ...options };
  }

  /** Supervises a process that is already running (the database, started before migrations). */
  adopt(name: string, running: Running, start: () => Promise<Running>): void {
    const unit: Unit = { name, running, start, crashes: [] };
    this.#units.set(name, unit);
    this.#watch(unit, running);
  }

  /** Starts a process and supervises it. */
  async start(name: string, start: () => Promise<Running>): Promise<Running> {
    const running = await start();
    this.adopt(name, running, start);
    return running;
  }

  pid(name: string): number | undefined {
    return this.#units.get(name)?.running?.pid;
  }

  /** No more restarts; stops the named processes (together), in the order of the groups given. */
  async stop(...groups: string[][]): Promise<void> {
    this.#stopping = true;
    for (const unit of this.#units.values()) clearTimeout(unit.restartTimer);
    for (const group of groups) {
      await Promise.all(
        group.map(async (name) => {
          const unit = this.#units.get(name);
          await unit?.starting;
          await unit?.running?.stop();
        }),
      );
    }
  }

  /** Kills every process at once. */
  kill(): void {
    this.#stopping = true;
    for (const unit of this.#units.values()) unit.running?.kill?.();
  }

  #watch(unit: Unit, running: Running): void {
    void running.exit.then((exit) => {
      if (this.#stopping || unit.running !== running) return;
      unit.running = undefined;
      const now = Date.now();
      unit.crashes = [...unit.crashes.filter((t) => now - t < this.#options.windowMs), now];
      const { log, onEvent, maxCrashes, windowMs } = this.#options;
      onEvent({ process: unit.name, event: "crashed", exitCode: exit.code, signal: exit.signal });
      if (unit.crashes.length >= maxCrashes) {
        const detail = `${unit.name} crashed ${unit.crashes.length} times within ${Math.round(windowMs / 60_000)} min`;
        log.fatal(`${detail} (last: ${describeExit(exit)}); stopping Baton. See its log lines above.`);
        onEvent({ process: unit.name, event: "gave_up", exitCode: exit.code, signal: exit.signal, detail });
        this.#options.onGiveUp(unit.name);
        return;
      }
      const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (unit.crashes.length - 1));
      log.error(`${unit.name} exited unexpectedly (${describeExit(exit)}); restarting it in ${delay / 1000} s (crash ${unit.crashes.length} of ${maxCrashes} allowed within ${Math.round(windowMs / 60_000)} min)`);
      unit.restartTimer = setTimeout(() => void this.#restart(unit), delay);
    });
  }

  async #restart(unit: Unit): Promise<void> {
    if (this.#stopping) return;
    // The new process is the unit's as soon as it exists, so a stop() waiting on `starting`
    // finds it and stops it.
    unit.starting = unit.start().then(
      (running) => (unit.running = running),
      (error) => {
        // Failing to start counts as another crash, with the same backoff.
        this.#options.log.error(`${unit.name} could not be restarted: ${(error as Error).message}`);
        return undefined;
      },
    );
    const running = await unit.starting;
    unit.starting = undefined;
    if (this.#stopping) return;
    if (!running) {
      const failed: Running = { exit: Promise.resolve({ code: 1, signal: null }), stop: async () => {} };
      unit.running = failed;
      this.#watch(unit, failed);
      return;
    }
    this.#options.log.info({ pid: running.pid }, `${unit.name} restarted`);
    this.#options.onEvent({ process: unit.name, event: "restarted" });
    this.#watch(unit, running);
  }

}
