-- Issue 15 (performance): a person's contracts are paged by walking "Contract" in title order
-- (index-only), instead of reading every granted contract's title to sort them.
CREATE INDEX "Contract_title_id_idx" ON "Contract"("title", "id");
