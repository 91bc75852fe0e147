import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by every process with this command name (e.g. "postgres" for a local server's backends). */
export function cpuSecondsByName(name: string): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name) total += cpuSeconds(Number(pid));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return total;
}

/** Busy CPU seconds of the whole machine so far (all cores, /proc/stat); NaN elsewhere. */
export function machineCpuSeconds(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
    return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by a process and its children (a server that forks its workers, like varnishd). */
export function cpuSecondsOfTree(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  let total = cpuSeconds(pid);
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean)) {
        total += cpuSecondsOfTree(Number(child));
      }
    }
  } catch {
    // The process ended, or /proc is not there.
  }
  return total;
}
