// Runs before each test file. Database tests opt in with setupTestDatabase(); the environment is
// reset here so a developer's own DATABASE_URL never leaks into the suite.
import { inject } from "vitest";

const testDatabaseUrl = inject("testDatabaseUrl");
if (testDatabaseUrl) process.env.DATABASE_URL = testDatabaseUrl;
else delete process.env.DATABASE_URL;
delete process.env.SCIM_BOOTSTRAP_TOKEN;
// E-mail stays off unless a test starts its own SMTP receiver and points SMTP_URL at it.
delete process.env.SMTP_URL;
delete process.env.SMTP_FROM;
process.env.LOG_LEVEL ??= "error";
