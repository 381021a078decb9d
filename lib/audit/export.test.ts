import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { setupTestDatabase, unique } from "@/lib/testing/database";
import { recordAuditEvent } from "./record";
import { chainExportLines, chainExportManifest, verifyChainExport, type ChainExportLine, type ChainManifest } from "./export";
import { getSigningKey } from "./signing";

const { db } = setupTestDatabase();

async function exportRange(prisma: PrismaClient, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(
      await prisma.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor: { type: "admin", label: "exporter@example.com" },
          action: i % 2 ? "user.created" : "rule.created",
          target: i % 2 ? { type: "User", id: unique("u"), label: "bob@example.com" } : { type: "AccessRule", id: unique("r") },
          after: { note: "ünïcode ✓ \"quoted\"", n: i, big: 12345678901234, f: 0.1 },
        }),
      ),
    );
  }
  const rows = await prisma.auditEvent.findMany({ where: { id: { in: ids } }, orderBy: { seq: "asc" }, select: { seq: true } });
  const range = { from: rows[0].seq, to: rows[rows.length - 1].seq };
  // Other files append concurrently on PostgreSQL: export the range those events span.
  let text = "";
  for await (const chunk of chainExportLines(prisma, range)) text += chunk;
  const manifest = await chainExportManifest(prisma, range);
  return { file: Buffer.from(text, "utf8"), manifest, range };
}

describe("chain export", () => {
  it("signs a manifest the export verifies against, offline", async () => {
    const prisma = db().prisma;
    const { file, manifest, range } = await exportRange(prisma, 5);
    expect(manifest).toMatchObject({ fromPosition: String(range.from), toPosition: String(range.to), count: Number(range.to - range.from) + 1 });
    const key = await getSigningKey(prisma);
    expect(manifest.publicKey).toBe(key.publicKeyPem);
    const result = verifyChainExport({ file, manifest, trustedPublicKeyPem: key.publicKeyPem });
    expect(result).toEqual({ ok: true, checked: manifest.count, problems: [] });
    // The private key is stored, but never in the clear-text manifest.
    expect(JSON.stringify(manifest)).not.toMatch(/PRIVATE/);
  });

  it("detects an edited file, an edited manifest and a foreign key", async () => {
    const prisma = db().prisma;
    const { file, manifest } = await exportRange(prisma, 4);
    const lines = file.toString("utf8").split("\n").filter(Boolean);

    // An event's content edited (and the manifest's file hash then fails too).
    const edited = JSON.parse(lines[1]) as ChainExportLine;
    edited.content = edited.content.replace("exporter@example.com", "someone@example.com");
    const file2 = Buffer.from([lines[0], JSON.stringify(edited), ...lines.slice(2)].join("\n") + "\n");
    const r2 = verifyChainExport({ file: file2, manifest });
    expect(r2.ok).toBe(false);
    expect(r2.problems).toContain("the export file's SHA-256 does not match the manifest");
    expect(r2.break).toMatchObject({ position: edited.position, reason: expect.stringMatching(/content changed/) });

    // A line removed.
    const r3 = verifyChainExport({ file: Buffer.from([lines[0], ...lines.slice(2)].join("\n") + "\n"), manifest });
    expect(r3.break?.reason).toMatch(/event missing/);

    // The manifest edited to match a truncated file: the signature fails.
    const r4 = verifyChainExport({ file, manifest: { ...manifest, count: manifest.count - 1 } as ChainManifest });
    expect(r4.problems).toContain("the manifest's signature is invalid");

    // Signed by another key than the one trusted.
    const other = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    const r5 = verifyChainExport({ file, manifest, trustedPublicKeyPem: other });
    expect(r5.problems).toEqual(expect.arrayContaining(["the manifest was signed with another key than the trusted one", "the manifest's signature is invalid"]));
  });

  it("npm run audit:verify checks an export offline and fails on a tampered one", async () => {
    const prisma = db().prisma;
    const { file, manifest } = await exportRange(prisma, 3);
    const dir = mkdtempSync(path.join(os.tmpdir(), "audit-export-"));
    try {
      const run = (args: string[]) =>
        promisify(execFile)("npx", ["tsx", "scripts/audit-verify.ts", ...args], { cwd: process.cwd(), env: { ...process.env, DATABASE_URL: "" } }).then(
          (r) => ({ code: 0, out: r.stdout + r.stderr }),
          (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
        );
      writeFileSync(path.join(dir, "e.jsonl"), file);
      writeFileSync(path.join(dir, "m.json"), JSON.stringify(manifest));
      writeFileSync(path.join(dir, "key.pem"), manifest.publicKey);
      const good = await run(["--export", path.join(dir, "e.jsonl"), "--manifest", path.join(dir, "m.json"), "--public-key", path.join(dir, "key.pem")]);
      expect(good).toMatchObject({ code: 0, out: expect.stringContaining(`export verified: ${manifest.count} events`) });
      writeFileSync(path.join(dir, "e.jsonl"), file.toString("utf8").replace(/"hash":"[0-9a-f]/, '"hash":"x'));
      const bad = await run(["--export", path.join(dir, "e.jsonl"), "--manifest", path.join(dir, "m.json")]);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/SHA-256 does not match/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
