"use client";

// The screen certificate for a chosen period: links to the printable page and the signed JSON
// (built and signed on request), and — for walls:write — issuing one that is stored and audited.
import { useState } from "react";
import { TextField } from "@/components/ui/field";
import { PostButton } from "./wall-actions";

const link = "text-brand-700 underline underline-offset-2 hover:text-brand-900";

/** A datetime-local value as an ISO instant in the viewer's zone. */
const instant = (v: string) => (v ? new Date(v).toISOString() : "");

export function CertificateLinks({ wallId, canIssue }: { wallId: string; canIssue: boolean }) {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const query = new URLSearchParams({ ...(from ? { from: instant(from) } : {}), ...(to ? { to: instant(to) } : {}) });
  const base = `/api/admin/walls/${wallId}/certificate`;
  return (
    <div className="space-y-3">
      <div className="grid max-w-xl gap-3 sm:grid-cols-2">
        <TextField label="Period from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} hint="Default: when the wall was activated" />
        <TextField label="Period to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} hint="Default: when it was lifted, or now" />
      </div>
      <p className="flex flex-wrap items-center gap-4 text-sm">
        <a className={link} href={`${base}?${new URLSearchParams({ ...Object.fromEntries(query), format: "html" })}`} target="_blank" rel="noopener">Printable certificate</a>
        <a className={link} href={`${base}?${query}`} download>Signed JSON</a>
        {canIssue && (
          <PostButton label="Issue and store" url={`/api/admin/walls/${wallId}/certificates`} body={{ ...(from ? { from: instant(from) } : {}), ...(to ? { to: instant(to) } : {}) }}
            message="Certificate issued and stored." />
        )}
      </p>
    </div>
  );
}
