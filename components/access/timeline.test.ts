// The timeline's markup as the browser gets it (server render), with its page of items already in
// the query cache: one <time> per instant, never a <time> inside another (invalid HTML).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { adminKey } from "@/components/data-hooks/keys";
import type { TimelineItem } from "@/lib/users/detail-queries";
import { Timeline } from "./timeline";

const USER = "6f1c2a52-0e54-4a4b-9d44-0c0b7f3c8b11";

function item(at: string, action: string): TimelineItem {
  return { key: at, at, kind: "event", action, eventId: null, actor: { type: "directory", label: "Entra" }, group: null, before: null, after: null, names: null };
}

describe("timeline markup", () => {
  it("shows each instant in one <time>, not one nested in another", () => {
    const client = new QueryClient();
    const items = [item("2026-09-08T10:00:00.000Z", "user.updated"), item("2026-09-01T08:10:00.000Z", "user.created")];
    client.setQueryData(adminKey(`/api/admin/users/${USER}/timeline?page=1&pageSize=20`), { page: 1, pageSize: 20, total: 2, items });
    const html = renderToStaticMarkup(createElement(QueryClientProvider, { client }, createElement(Timeline, { userId: USER })));
    expect(html).toContain("Provisioned");
    expect(html.match(/<time\b/g)).toHaveLength(2);
    expect(html).not.toMatch(/<time\b[^>]*>(?:(?!<\/time>).)*<time\b/);
    expect(html).toContain('dateTime="2026-09-08T10:00:00.000Z"');
  });
});
