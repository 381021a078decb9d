import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { acquireDataDirLock, DataDirLockedError, releaseDataDirLock } from "./data-dir-lock";

describe("embedded data folder lock", () => {
  it("refuses a folder held by a live process and names it; takes over a dead owner's lock", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "custodian-lock-"));
    const dir = path.join(root, "pglite");
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(`${dir}.lock`, String(holder.pid));
      expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
      expect(() => acquireDataDirLock(dir)).toThrow(new RegExp(`in use by process ${holder.pid}`));
      holder.kill("SIGKILL");
      await new Promise((r) => holder.once("exit", r));
      acquireDataDirLock(dir);
      expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
      releaseDataDirLock(dir);
      expect(existsSync(`${dir}.lock`)).toBe(false);
    } finally {
      holder.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
    }
  });
});
