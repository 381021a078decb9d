// Names instead of ids in the audit trail and timelines (issue 16 items 1–2): an id is shown as the
// name the event stored (as it was then), else today's name, else "(unknown)" — with the id beside
// it in a monospace id element ([data-id], which the browser suite's raw-id check skips), and a
// link for roles allowed to open that kind of record (`links`, from the permission table).
import Link from "next/link";
import { Fragment } from "react";
import { nameIndex, UUID_PATTERN, type AuditNames } from "@/lib/audit/names";
import { can, type Action, type Role } from "@/lib/auth/permissions";

/** Where a record of each named type opens in the dashboard. */
const HREF: Record<string, (id: string) => string> = {
  Group: (id) => `/dashboard/groups/${id}`,
  Repository: (id) => `/dashboard/repositories/${id}`,
  Contract: (id) => `/dashboard/contracts/${id}`,
  User: (id) => `/dashboard/users/${id}`,
  Directory: (id) => `/dashboard/directories/${id}`,
  AccessRule: (id) => `/dashboard/rules/${id}`,
};

/** The permission that opens a record of each type (the page permissions of HREF's pages). */
const READ: Record<string, Action> = {
  Group: "groups:read",
  Repository: "contracts:read",
  Contract: "contracts:read",
  User: "users:read",
  Directory: "directories:read",
  AccessRule: "rules:read",
};

/** The named types a viewer with these roles may follow to their pages. */
export function linkableTypes(roles: readonly Role[]): string[] {
  return Object.entries(READ).filter(([, action]) => can(roles, action)).map(([type]) => type);
}

export type NameLookup = ReturnType<typeof nameIndex>;

export function nameLookup(...names: (AuditNames | null | undefined)[]): NameLookup {
  return nameIndex(...names);
}

/** One record by name, its id beside it. `type`: when known (the target), for the link. */
export function NamedRef({ id, type, lookup, links, fallback, showId = true }: {
  id: string;
  type?: string | null;
  lookup: NameLookup;
  /** The types this viewer may open. */
  links: readonly string[];
  /** A label to show when no name is known (an older event's label). */
  fallback?: string | null;
  showId?: boolean;
}) {
  const found = lookup.get(id);
  const kind = type ?? found?.type;
  const name = found?.name ?? fallback ?? null;
  const href = kind && name && links.includes(kind) ? HREF[kind]?.(id) : undefined;
  return (
    <span>
      {name ? (
        href ? <Link href={href} className="font-medium text-brand-700 hover:underline">{name}</Link> : <span>{name}</span>
      ) : (
        <span className="italic text-slate-500">(unknown)</span>
      )}
      {showId && (
        <code data-id="" className="ml-1.5 font-mono text-xs text-slate-500" title={id}>
          {id.slice(0, 8)}
        </code>
      )}
    </span>
  );
}

/** A text with ids in it ("edit for group <id> on repository <id>"): each id shown as its name. */
export function NamedText({ text, lookup, links }: { text: string; lookup: NameLookup; links: readonly string[] }) {
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(UUID_PATTERN)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(<NamedRef key={at} id={m[0]} lookup={lookup} links={links} showId={!lookup.has(m[0])} />);
    last = at + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts.map((p, i) => <Fragment key={i}>{p}</Fragment>)}</>;
}

export const isId = (value: unknown): value is string => typeof value === "string" && new RegExp(`^${UUID_PATTERN.source}$`, "i").test(value);
