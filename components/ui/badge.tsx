const tones = {
  green: "bg-green-50 text-green-800 ring-green-600/20",
  gray: "bg-slate-100 text-slate-700 ring-slate-500/20",
  red: "bg-red-50 text-red-800 ring-red-600/20",
  blue: "bg-brand-50 text-brand-900 ring-brand-600/20",
  amber: "bg-amber-50 text-amber-900 ring-amber-600/20",
} as const;

export function Badge({ tone = "gray", children }: { tone?: keyof typeof tones; children: React.ReactNode }) {
  return <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}>{children}</span>;
}
