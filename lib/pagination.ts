// Page-number pagination done in the database (skip/take + count), shared by the list functions
// of the contract, rule and API-key services and by /api/v1.
import { z } from "zod";

export const MAX_PAGE_SIZE = 200;

export const pageInput = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

export type PageInput = z.input<typeof pageInput>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageWindow(input: PageInput | undefined): { page: number; pageSize: number; skip: number; take: number } {
  const { page, pageSize } = pageInput.parse(input ?? {});
  return { page, pageSize, skip: (page - 1) * pageSize, take: pageSize };
}
