import { z } from "zod";
import { multiLine } from "~/lib/text.ts";

/**
 * Inquiry and NDA forms (DESIGN.md §3), shared by the browser (conform) and the
 * server. Messages are i18n keys.
 */
export const INQUIRY_LIMITS = {
  message: { min: 20, max: 4000 },
  need: { min: 10, max: 1000 },
  intendedUse: { min: 10, max: 1000 },
  timeline: { min: 3, max: 200 },
  reply: { min: 1, max: 4000 },
} as const;

/** Required running text: one message at a time (empty, then too short or too long). */
const text = (limits: { min: number; max: number }, tooShort: string) =>
  multiLine(
    z
      .string({ required_error: "errors.required" })
      .trim()
      .min(1, "errors.required")
      .pipe(z.string().min(limits.min, tooShort).max(limits.max, "errors.tooLong")),
  );

const id = z.string({ required_error: "errors.chooseOne" }).trim().min(1, "errors.chooseOne").max(64, "errors.chooseOne");

/** The inquiry form: the organisation asking, a message and the three standard answers. */
export const inquirySchema = z.object({
  organisationId: id,
  message: text(INQUIRY_LIMITS.message, "inquiries.errors.messageTooShort"),
  need: text(INQUIRY_LIMITS.need, "inquiries.errors.needTooShort"),
  intendedUse: text(INQUIRY_LIMITS.intendedUse, "inquiries.errors.intendedUseTooShort"),
  timeline: text(INQUIRY_LIMITS.timeline, "inquiries.errors.timelineTooShort"),
});
export type InquiryInput = z.infer<typeof inquirySchema>;

export const replySchema = z.object({
  intent: z.literal("reply"),
  body: text(INQUIRY_LIMITS.reply, "errors.required"),
});

/** The actions on a thread page, told apart by `intent`. */
export const threadActionSchema = z.discriminatedUnion("intent", [
  replySchema,
  z.object({ intent: z.literal("read") }),
  z.object({ intent: z.literal("close") }),
  z.object({ intent: z.literal("takeover") }),
]);
export type ThreadAction = z.infer<typeof threadActionSchema>;

/** A click-accept: the hash of the NDA text the page showed, and the organisation accepting. */
export const ndaAcceptSchema = z.object({
  organisationId: id,
  textHash: z
    .string({ required_error: "inquiries.errors.ndaHash" })
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f]{64}$/, "inquiries.errors.ndaHash"),
  /** The reader ticks that they accept on behalf of the organisation. */
  agree: z.literal("yes", { errorMap: () => ({ message: "inquiries.errors.ndaAgree" }) }),
});
export type NdaAcceptInput = z.infer<typeof ndaAcceptSchema>;
