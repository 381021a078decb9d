// Inputs of the screen certificate routes (lib/walls/certificate.ts).
import { z } from "zod";

const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/** The period (default: activation, else creation, to lifting, else now) and the form. */
export const certificateQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
  format: z.enum(["json", "html"]).default("json"),
});

/** The same period over /api/v1, which answers the signed JSON only (the printable page is the dashboard's). */
export const apiCertificateQuery = certificateQuery.omit({ format: true });

/** Issuing (storing) a certificate for a period. */
export const issueCertificateInput = z.strictObject({ from: instant.optional(), to: instant.optional() });

export const storedCertificateQuery = z.object({ format: z.enum(["json", "html"]).default("json") });

/** The breach-attempt alert: attempts since (default: the last 7 days). */
export const attemptAlertQuery = z.object({ since: instant.optional() });
