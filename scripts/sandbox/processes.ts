// Process helpers of the sandbox: sessions read from /proc, stopping a session (process group first,
// then SIGKILL of what is left, by pid), finding executables on PATH. Nothing is ever killed by name.
import { accessSync, constants as fsc, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProcInfo {
  pid: number;
  sid: number;
  cmdline: string;
}

/** Processes of this machine with their session id and command line (Linux /proc). */
export function processes(): ProcInfo[] {
  const list: ProcInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return list;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp session ... — comm may contain spaces and parens.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" || fields[0] === "X") continue; // exited, awaiting its parent
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      list.push({ pid: Number(entry), sid: Number(fields[3]), cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return list;
}

export const sessionMembers = (sid: number): number[] => processes().filter((p) => p.sid === sid).map((p) => p.pid);

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops session `sid` (a child spawned with `detached: true` leads its own session and process group,
 * both numbered by its pid): SIGTERM to the group, wait up to `graceMs` for every member of the session
 * to exit, then SIGKILL the members left, one pid at a time.
 */
export async function stopSession(sid: number, graceMs: number): Promise<void> {
  kill(-sid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && sessionMembers(sid).length > 0) await sleep(100);
  const left = sessionMembers(sid);
  for (const pid of left) kill(pid, "SIGKILL");
  const killDeadline = Date.now() + 3_000;
  while (Date.now() < killDeadline && sessionMembers(sid).length > 0) await sleep(50);
}

/** Synchronous last resort (process 'exit'): SIGKILL every member of the session. */
export function killSessionSync(sid: number): void {
  kill(-sid, "SIGKILL");
  for (const pid of sessionMembers(sid)) kill(pid, "SIGKILL");
}

/** First executable `name` on PATH, or undefined. */
export function which(name: string, envPath = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsc.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
