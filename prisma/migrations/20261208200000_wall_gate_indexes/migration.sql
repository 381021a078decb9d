-- Ethical walls' deny over many contracts of one person (lib/access/sql.ts notWalledAt with
-- `gate`): the contracts a counterparty or tag scope row holds at T are found through these
-- indexes once per statement, instead of reading each contract's revision.
CREATE INDEX "ContractRevision_counterpartyKey_idx" ON "ContractRevision"("counterpartyKey");

-- jsonb `?` (a tag among the revision's tags). Not describable in schema.prisma's index syntax the
-- drift check reads: listed in lib/db/schema-drift.ts SQL_ONLY_OBJECTS.
CREATE INDEX "ContractRevision_tags_idx" ON "ContractRevision" USING gin ("tags");
