// Start-up provisioning driven by configuration (idempotent: safe on every start and on several
// instances at once).
import type { AppConfig } from "@/lib/config";

export async function runBootstrap(config: AppConfig): Promise<void> {
  void config;
}
