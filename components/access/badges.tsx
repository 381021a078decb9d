import { Badge } from "@/components/ui/badge";

const levelTone = { view: "gray", comment: "blue", edit: "amber", sign: "amber", manage: "red" } as const;
const confidentialityTone = { public: "green", internal: "blue", confidential: "amber", strictly_confidential: "red" } as const;

export const CONFIDENTIALITY_LABELS: Record<string, string> = {
  public: "Public",
  internal: "Internal",
  confidential: "Confidential",
  strictly_confidential: "Strictly confidential",
};

export function LevelBadge({ level }: { level: string | null | undefined }) {
  if (!level) return <Badge tone="gray">none</Badge>;
  return <Badge tone={levelTone[level as keyof typeof levelTone] ?? "gray"}>{level}</Badge>;
}

export function ConfidentialityBadge({ value }: { value: string | null | undefined }) {
  if (!value) return <Badge tone="gray">—</Badge>;
  return <Badge tone={confidentialityTone[value as keyof typeof confidentialityTone] ?? "gray"}>{CONFIDENTIALITY_LABELS[value] ?? value}</Badge>;
}
