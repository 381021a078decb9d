"use client";

// A table wider than its column scrolls sideways with a visible cue: shaded edges where columns are
// hidden and a "More columns" button (keyboard users can also focus the region and use the arrows).
import { useEffect, useRef, useState } from "react";

export function HorizontalScroll({ label, className = "", children }: { label: string; className?: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState({ left: false, right: false });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const left = el.scrollLeft > 1;
      const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setEdges((e) => (e.left === left && e.right === right ? e : { left, right }));
    };
    el.addEventListener("scroll", update, { passive: true });
    // Fires once on observe, then on every size change of the viewport or the table.
    const observer = new ResizeObserver(update);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => {
      el.removeEventListener("scroll", update);
      observer.disconnect();
    };
  }, []);
  const scrollable = edges.left || edges.right;
  return (
    <div className="relative">
      <div ref={ref} className={`overflow-x-auto ${className}`} {...(scrollable ? { tabIndex: 0, role: "region", "aria-label": `${label}, scrolls sideways` } : {})}>
        {children}
      </div>
      {edges.left && <div aria-hidden="true" className="pointer-events-none absolute inset-y-0 left-0 w-6 bg-linear-to-r from-slate-400/30 to-transparent" />}
      {edges.right && (
        <>
          <div aria-hidden="true" className="pointer-events-none absolute inset-y-0 right-0 w-10 bg-linear-to-l from-slate-400/40 to-transparent" />
          <button type="button" onClick={() => ref.current?.scrollBy({ left: ref.current.clientWidth * 0.8, behavior: "smooth" })}
            className="absolute top-1 right-1 rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-700 shadow-sm hover:bg-slate-50">
            More columns →
          </button>
        </>
      )}
    </div>
  );
}
