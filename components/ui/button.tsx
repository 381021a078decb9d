import Link from "next/link";

const variants = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 border border-transparent",
  secondary: "bg-white text-slate-800 border border-slate-300 hover:bg-slate-50",
  danger: "bg-red-700 text-white hover:bg-red-800 border border-transparent",
  ghost: "bg-transparent text-brand-700 hover:bg-brand-50 border border-transparent",
} as const;

export type ButtonVariant = keyof typeof variants;

const base =
  "inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:ring-offset-2";

export function Button({ variant = "primary", className = "", ...props }: React.ComponentProps<"button"> & { variant?: ButtonVariant }) {
  return <button type="button" {...props} className={`${base} ${variants[variant]} ${className}`} />;
}

export function ButtonLink({ variant = "secondary", className = "", ...props }: React.ComponentProps<typeof Link> & { variant?: ButtonVariant }) {
  return <Link {...props} className={`${base} ${variants[variant]} ${className}`} />;
}
