// The walls pages' reads beyond lib/walls/queries.ts (wallsForPages): one wall or null (a page
// renders its own "not found"), stored certificates, the breach-attempt alert, the pending
// acknowledgments, the signed-in person's walls. On the process's client; pages never import it.
import { onProcessClient } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { listWallCertificates } from "./certificate";
import { wallAttemptAlert } from "./alerts";
import { pendingAcknowledgments, wallsForPages, wallsOfPerson } from "./queries";

export async function wallOrNull(id: string) {
  try {
    return await wallsForPages.get({ id });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

export const wallPagesData = {
  certificates: onProcessClient(listWallCertificates),
  attemptAlert: onProcessClient(wallAttemptAlert),
  pending: onProcessClient(pendingAcknowledgments),
  ofPerson: onProcessClient(wallsOfPerson),
};
