// Start-up provisioning driven by configuration (idempotent: safe on every start and on several
// instances at once).
import type { AppConfig } from "@/lib/config";
import { getPrisma } from "@/lib/db/client";
import { ensureBootstrapDirectory } from "@/lib/directories/service";
import { ensureFirstAdmin } from "@/lib/auth/accounts";
import { log } from "@/lib/log";

export async function runBootstrap(config: AppConfig): Promise<void> {
  await ensureFirstAdmin(await getPrisma(), { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  if (config.SCIM_BOOTSTRAP_TOKEN) {
    const { directoryId } = await ensureBootstrapDirectory(await getPrisma(), config.SCIM_BOOTSTRAP_TOKEN);
    log.info("SCIM bootstrap token accepted for the Default directory", { directoryId });
  }
}
