// The campaign pages' reads with "not found" as null (a page renders its own message rather than
// an error boundary). Kept beside the queries they wrap.
import { AppError } from "@/lib/errors";
import { reviewsForPages } from "./queries";

export async function campaignOrNull(id: string) {
  try {
    return await reviewsForPages.campaign({ id });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

export async function reportOrNull(id: string) {
  try {
    return await reviewsForPages.report({ id });
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}
