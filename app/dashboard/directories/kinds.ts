// Display names of directory kinds (the list of valid kinds is DIRECTORY_KINDS in
// lib/directories/service.ts; pages pass it to client components).
const KIND_LABELS: Record<string, string> = {
  entra: "Microsoft Entra ID",
  okta: "Okta",
  google: "Google Workspace",
  onelogin: "OneLogin",
  jumpcloud: "JumpCloud",
  generic: "Other SCIM 2.0 client",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "—";
  if (ratio === 0) return "0 %";
  if (ratio < 0.001) return "< 0.1 %";
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)} %`;
}

/** Above this share of failed requests a directory is flagged. */
export const ERROR_RATE_WARNING = 0.05;
