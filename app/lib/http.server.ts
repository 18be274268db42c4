import { json } from "@remix-run/node";

/**
 * Not-found and forbidden are thrown Responses, caught by the shared error boundary
 * (the Epic Stack's invariantResponse).
 */
export function invariantResponse(
  condition: unknown,
  message: string,
  init: ResponseInit = { status: 400 },
): asserts condition {
  if (!condition) throw json({ message }, init);
}

export const notFound = (message = "Not found") => json({ message }, { status: 404 });
export const forbidden = (message = "Forbidden") => json({ message }, { status: 403 });
