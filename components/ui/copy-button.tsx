"use client";

// Copies a value to the clipboard and says so (visibly and to screen readers). Falls back to a
// selection copy where the Clipboard API is unavailable (plain-HTTP hosts other than localhost).
import { useState } from "react";
import { Button } from "./button";

async function copyText(value: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(value);
    return;
  }
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        onClick={async () => {
          try {
            await copyText(value);
            setState("copied");
          } catch {
            setState("failed");
          }
        }}
      >
        {label}
      </Button>
      <span role="status" aria-live="polite" className="text-xs text-slate-600">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed — select the text and copy it" : ""}
      </span>
    </span>
  );
}
