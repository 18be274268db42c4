import type { Submission } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json } from "@remix-run/node";
import type { Actor } from "~/modules/auth/permissions.ts";
import { transitionListing, type FieldErrors } from "./listings.server.ts";
import { listingSchema } from "./schema.ts";

/** Parses a listing form; a refused one answers 400 with field messages and the sent values. */
export function parseListingForm(formData: FormData) {
  const submission = parseWithZod(formData, { schema: listingSchema });
  if (submission.status !== "success") return { ok: false as const, response: json(submission.reply(), { status: 400 }) };
  return { ok: true as const, submission, value: submission.value };
}

export function refuse(submission: Submission<unknown>, fieldErrors: FieldErrors) {
  const { "": formErrors = [], ...rest } = fieldErrors;
  return json(submission.reply({ fieldErrors: rest, formErrors }), { status: 400 });
}

/** After saving, "save and submit" also sends the listing for review. */
export async function submitIfAsked(actor: Actor, intent: FormDataEntryValue | null, id: string) {
  if (intent !== "save-submit") return null;
  const result = await transitionListing(actor, id, "submit");
  return result.ok ? null : result.error;
}
