"use client";

// The dashboard's sidebar, collapsible to a narrow rail (the choice is remembered in this browser)
// so tables get the width on smaller screens.
import { useId, useSyncExternalStore } from "react";

const KEY = "custodian.sidebar";
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const read = () => window.localStorage.getItem(KEY) === "collapsed";

export function CollapsibleSidebar({ children }: { children: React.ReactNode }) {
  const id = useId();
  // The server renders it open; the browser applies the remembered choice after hydration.
  const collapsed = useSyncExternalStore(subscribe, read, () => false);
  const toggle = () => {
    window.localStorage.setItem(KEY, collapsed ? "open" : "collapsed");
    listeners.forEach((l) => l());
  };
  return (
    <aside className={`relative flex shrink-0 flex-col border-r border-slate-200 bg-white py-5 ${collapsed ? "w-12 px-1.5" : "w-56 px-4"}`}>
      <button type="button" onClick={toggle} aria-expanded={!collapsed} aria-controls={id}
        aria-label={collapsed ? "Expand the sidebar" : "Collapse the sidebar"} title={collapsed ? "Expand the sidebar" : "Collapse the sidebar"}
        className={`rounded-md border border-slate-200 bg-white px-1.5 py-0.5 text-sm text-slate-600 hover:bg-slate-50 hover:text-slate-900 ${collapsed ? "self-center" : "absolute top-5 right-2"}`}>
        <span aria-hidden="true">{collapsed ? "»" : "«"}</span>
      </button>
      <div id={id} hidden={collapsed} className="flex flex-1 flex-col">
        {children}
      </div>
    </aside>
  );
}
