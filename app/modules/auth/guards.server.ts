import { json } from "@remix-run/node";
import { consumeRateLimit, type LimitName } from "./rate-limit.server.ts";
import { isSpam } from "./honeypot.server.ts";

/**
 * The checks every public form with a cost runs first: the per-IP rate limit
 * (429 with Retry-After) and the honeypot (400). Returns a Response to send, or null.
 */
export async function guardPublicForm(name: LimitName, formData: FormData, clientIp: string): Promise<Response | null> {
  const limit = await consumeRateLimit(name, clientIp);
  if (!limit.allowed) {
    return json(
      { status: "error" as const, error: { "": ["errors.tooManyAttempts"] } },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );
  }
  if (await isSpam(formData)) {
    return json({ status: "error" as const, error: { "": ["errors.spam"] } }, { status: 400 });
  }
  return null;
}
