import { json } from "@remix-run/node";
import { consumeRateLimit, type LimitName } from "./rate-limit.server.ts";
import { isSpam } from "./honeypot.server.ts";

/**
 * The checks every public form with a cost runs first: the per-IP rate limit
 * (429 with Retry-After) and the honeypot (400). Returns a Response to send, or null.
 */
export async function guardPublicForm(name: LimitName, formData: FormData, clientIp: string): Promise<Response | null> {
  const limit = await consumeRateLimit(name, clientIp);
  if (!limit.allowed) return tooManyAttempts(limit.retryAfterSeconds);
  return refuseSpam(formData);
}

/** 429 with Retry-After, in the shape of a form's reply (the form shows the message). */
export function tooManyAttempts(retryAfterSeconds: number): Response {
  return json(
    { status: "error" as const, error: { "": ["errors.tooManyAttempts"] } },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}

/** 400 when the honeypot is filled or missing (forms whose limits count only some outcomes check it first). */
export async function refuseSpam(formData: FormData): Promise<Response | null> {
  if (await isSpam(formData)) {
    return json({ status: "error" as const, error: { "": ["errors.spam"] } }, { status: 400 });
  }
  return null;
}
