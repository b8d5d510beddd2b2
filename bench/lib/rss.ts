// Resident memory of a process group (a web process is `next start` plus its `next-server`).
import { readdir, readFile } from "node:fs/promises";

async function groupRssBytes(pgid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const status = await readFile(`/proc/${entry}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Samples the peak RSS of some process groups until stopped; values in MiB. */
export function sampleRss(groups: Record<string, number[]>, everyMs = 250) {
  const peaks: Record<string, number> = Object.fromEntries(Object.keys(groups).map((k) => [k, 0]));
  const tick = async () => {
    for (const [name, pgids] of Object.entries(groups)) {
      let sum = 0;
      for (const pgid of pgids) sum += await groupRssBytes(pgid);
      peaks[name] = Math.max(peaks[name], sum / 2 ** 20);
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  void tick();
  return {
    async stop() {
      clearInterval(timer);
      await tick();
      return Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v)]));
    },
  };
}
