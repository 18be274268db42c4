import type { ActionFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/modules/auth/actor.server.ts";
import {
  addAttachments,
  moveAttachment,
  readAttachmentForm,
  removeAttachment,
  requireAttachmentEditor,
  STORAGE_UNAVAILABLE,
  type AttachmentError,
} from "~/modules/listings/attachments.server.ts";

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upload") }),
  z.object({ intent: z.enum(["remove", "move-up", "move-down"]), attachmentId: z.string().min(1).max(64) }),
]);

/** A plain form post (no JavaScript) asks for HTML; fetchers ask for anything. */
const wantsHtml = (request: Request) => (request.headers.get("Accept") ?? "").includes("text/html");

function refuse(request: Request, listingId: string, errors: AttachmentError[], status: 400 | 413 | 503) {
  if (wantsHtml(request)) {
    // Back to the form, which shows the errors from the URL (see AttachmentsManager).
    const query = new URLSearchParams(errors.map((e) => ["attachmentError", `${e.message}:${e.file}`]));
    return redirect(`/listings/${listingId}/edit?${query}`);
  }
  return json({ ok: false as const, errors }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const listingId = params.id ?? "";
  // 404 before reading a body that may be large.
  await requireAttachmentEditor(actor, listingId);
  const form = await readAttachmentForm(request);
  if (!form.ok) return refuse(request, listingId, form.errors, form.status);
  const { formData } = form;
  const parsed = actionSchema.safeParse({ intent: formData.get("intent"), attachmentId: formData.get("attachmentId") ?? undefined });
  if (!parsed.success) return refuse(request, listingId, [{ file: "", message: "attachments.errors.badRequest" }], 400);
  const input = parsed.data;
  const result =
    input.intent === "upload"
      ? await addAttachments(actor, listingId, formData.getAll("files").filter((v): v is File => typeof v !== "string"))
      : input.intent === "remove"
        ? await removeAttachment(actor, listingId, input.attachmentId)
        : await moveAttachment(actor, listingId, input.attachmentId, input.intent === "move-up" ? "up" : "down");
  if (!result.ok) return refuse(request, listingId, result.errors, result.errors.some((e) => e.message === STORAGE_UNAVAILABLE) ? 503 : 400);
  if (wantsHtml(request)) return redirect(`/listings/${listingId}/edit`);
  return json({ ok: true as const, errors: [] as AttachmentError[] });
}
