// The overview's "access ending" card as the browser gets it (server render, its data already in
// the query cache): one <time> per end, never a <time> inside another (invalid HTML).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { adminKey } from "@/components/data-hooks/keys";
import type { ExpiringItem } from "@/lib/access/expiring";
import { ExpiringAccess } from "./expiring-access";

describe("expiring access markup", () => {
  it("shows each end in one <time>, not one nested in another", () => {
    const client = new QueryClient();
    const items: ExpiringItem[] = [
      { kind: "rule", id: "r1", label: "Legal reads leases", detail: "Leases", endsAt: "2026-12-20T00:00:00.000Z", endDay: null, people: 3, reviewHref: null, ruleId: "r1" },
    ];
    client.setQueryData(adminKey("/api/admin/access/expiring"), { days: 30, items });
    const html = renderToStaticMarkup(createElement(QueryClientProvider, { client }, createElement(ExpiringAccess, { canReadRules: true })));
    expect(html).toContain("Legal reads leases");
    expect(html.match(/<time\b/g)).toHaveLength(1);
  });

  it("shows a date-only contract end as its last day (as the contract page does), not the next day's midnight", () => {
    const client = new QueryClient();
    const items: ExpiringItem[] = [
      { kind: "contract", id: "c1", label: "Catering agreement", detail: "Suppliers", endsAt: "2026-12-18T00:00:00.000Z", endDay: "2026-12-17", people: 1, reviewHref: null, ruleId: null },
    ];
    client.setQueryData(adminKey("/api/admin/access/expiring"), { days: 30, items });
    const html = renderToStaticMarkup(createElement(QueryClientProvider, { client }, createElement(ExpiringAccess, { canReadRules: true })));
    expect(html).toContain('dateTime="2026-12-17"');
    expect(html).not.toContain("2026-12-18");
  });
});
