// Prisma CLI configuration. The app itself never reads this: it builds its own driver adapter
// (lib/db/client.ts) and applies migrations with its own migrator (lib/db/migrate.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/custodian" },
});
