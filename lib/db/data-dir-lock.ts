// PGlite has no cross-process lock: two processes on one data folder corrupt it. A lock file
// beside the folder records the owner's pid; a live owner makes the second process stop with a
// message naming it, a dead one (crash, SIGKILL) is taken over.
import { readFileSync, writeFileSync, unlinkSync, openSync, closeSync } from "node:fs";

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly ownerPid: number) {
    super(
      `The embedded database folder ${dataDir} is in use by process ${ownerPid}. ` +
        `Only one process can open it: stop that process (e.g. the running app) first, ` +
        `or use PostgreSQL (DATABASE_URL) to run several processes.`,
    );
    this.name = "DataDirLockedError";
  }
}

const lockPath = (dataDir: string) => `${dataDir}.lock`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDataDirLock(dataDir: string): void {
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      process.once("exit", () => releaseDataDirLock(dataDir));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (owner === process.pid) return;
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      unlinkSync(file); // stale: its owner died without cleaning up
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

export function releaseDataDirLock(dataDir: string): void {
  try {
    if (Number.parseInt(readFileSync(lockPath(dataDir), "utf8"), 10) === process.pid) unlinkSync(lockPath(dataDir));
  } catch {
    // already gone
  }
}
