// `npm run audit:verify`: verifies the audit chain and exits non-zero on a break.
//   npm run audit:verify                          the whole chain (from the newest retention checkpoint)
//   npm run audit:verify -- --from 100 --to 200   a range of positions
//   npm run audit:verify -- --export f.jsonl --manifest f.manifest.json [--public-key key.pem]
//                                                 an exported range, offline (no database)
//   npm run audit:verify -- --wall-certificate c.json [--export f.jsonl --manifest f.manifest.json] [--public-key key.pem]
//                                                 an ethical wall's screen certificate, offline; with a
//                                                 chain export, also the audit positions it cites
//   npm run audit:verify -- --campaign-report campaign.signed.json [--public-key key.pem]
//                                                 a signed access review report, offline
// Against the database it only reads (PostgreSQL: safe next to running servers; the embedded
// database only while the app is stopped).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { verifyChainExport, type ChainManifest } from "@/lib/audit/export";
import { verifyWallCertificate, type WallCertificate } from "@/lib/walls/certificate";
import { verifySignedCampaignReport, type SignedCampaignReport } from "@/lib/reviews/export";
import { describeVerification, verifyAuditChain } from "@/lib/audit/verify";

function position(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,18}$/.test(value)) throw new Error(`--${name} must be a chain position (a positive integer)`);
  return BigInt(value);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: "string" },
      to: { type: "string" },
      export: { type: "string" },
      manifest: { type: "string" },
      "public-key": { type: "string" },
      "wall-certificate": { type: "string" },
      "campaign-report": { type: "string" },
    },
  });
  if (values["wall-certificate"]) {
    if (!values.export !== !values.manifest) throw new Error("--export and --manifest go together");
    const result = verifyWallCertificate({
      certificate: JSON.parse(readFileSync(values["wall-certificate"], "utf8")) as WallCertificate,
      trustedPublicKeyPem: values["public-key"] ? readFileSync(values["public-key"], "utf8") : undefined,
      chainExport: values.export && values.manifest ? { file: readFileSync(values.export), manifest: JSON.parse(readFileSync(values.manifest, "utf8")) as ChainManifest } : undefined,
    });
    for (const p of result.problems) console.error(`problem: ${p}`);
    if (result.ok) {
      console.log(`wall certificate verified: signature valid${values.export ? `, ${result.eventsChecked} cited audit events found in the chain export` : ""}`);
      if (!values["public-key"]) console.log("note: signed by the key named in the certificate; pass --public-key with the key downloaded from Custodian to check who signed it");
    }
    return result.ok ? 0 : 1;
  }
  if (values["campaign-report"]) {
    const result = verifySignedCampaignReport({
      signed: JSON.parse(readFileSync(values["campaign-report"], "utf8")) as SignedCampaignReport,
      trustedPublicKeyPem: values["public-key"] ? readFileSync(values["public-key"], "utf8") : undefined,
    });
    for (const p of result.problems) console.error(`problem: ${p}`);
    if (result.ok) {
      console.log(`campaign report verified: ${result.items} items (population hash recomputed), ${result.revocations} revocations with proof, signature valid`);
      if (!values["public-key"]) console.log("note: signed by the key named in the file; pass --public-key with the key downloaded from Custodian to check who signed it");
    }
    return result.ok ? 0 : 1;
  }
  if (values.export || values.manifest) {
    if (!values.export || !values.manifest) throw new Error("--export and --manifest go together");
    const result = verifyChainExport({
      file: readFileSync(values.export),
      manifest: JSON.parse(readFileSync(values.manifest, "utf8")) as ChainManifest,
      trustedPublicKeyPem: values["public-key"] ? readFileSync(values["public-key"], "utf8") : undefined,
    });
    for (const p of result.problems) console.error(`problem: ${p}`);
    if (result.break) console.error(`broken at position ${result.break.position}${result.break.eventId ? ` (event ${result.break.eventId})` : ""}: ${result.break.reason}`);
    if (result.ok) {
      console.log(`export verified: ${result.checked} events, signature and file hash valid`);
      if (!values["public-key"]) console.log("note: signed by the key named in the manifest; pass --public-key with the key downloaded from Custodian to check who signed it");
    }
    return result.ok ? 0 : 1;
  }
  const db = await getDatabase();
  try {
    const result = await verifyAuditChain(db.prisma, { from: position(values.from, "from"), to: position(values.to, "to") });
    const line = describeVerification(result);
    if (result.ok) console.log(`${line} (from position ${result.fromPosition}, anchored at ${result.anchor})`);
    else console.error(`${line}${result.break?.eventId ? ` (event ${result.break.eventId})` : ""}`);
    return result.ok ? 0 : 1;
  } finally {
    await closeDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit:verify failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
