import { z } from "zod";
import { singleLine } from "~/lib/text.ts";
import { SUPPORTED_LOCALES } from "~/modules/i18n/config.ts";

/**
 * The account page's forms. Messages are i18n keys, translated where they are shown; a password
 * is never sent back to the browser (the routes hide those fields in their replies).
 */

export const profileSchema = z.object({
  name: singleLine(z.string({ required_error: "errors.required" }).min(2, "errors.nameTooShort").max(100, "errors.tooLong")),
  phone: singleLine(z.string().max(30, "errors.tooLong").optional())
    .transform((v) => (v ? v : undefined))
    .refine((v) => !v || /^[+0-9 ().-]{6,30}$/.test(v), "errors.phone"),
  locale: z.enum(SUPPORTED_LOCALES, { errorMap: () => ({ message: "errors.chooseOne" }) }),
});
export type ProfileInput = z.infer<typeof profileSchema>;

const currentPassword = z.string({ required_error: "errors.required" }).min(1, "errors.required").max(128, "errors.tooLong");

/**
 * PASSWORD RULES: the form keeps only the length here. The auth module's rule check for a newly
 * chosen password is applied on the server in changePassword (account.server.ts,
 * `newPasswordRuleProblem`), where the lead wires it.
 */
export const newPasswordField = z.string({ required_error: "errors.required" }).min(10, "errors.passwordTooShort").max(128, "errors.tooLong");

export const passwordChangeSchema = z
  .object({ currentPassword, newPassword: newPasswordField, confirmPassword: z.string({ required_error: "errors.required" }).max(128, "errors.tooLong") })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "errors.passwordsDiffer" });
export type PasswordChangeInput = z.infer<typeof passwordChangeSchema>;

const sessionId = z.string().min(1).max(40);

/** The sessions list: end one other session, or every one but this. */
export const sessionsActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("sign-out-others") }),
  z.object({ intent: z.literal("sign-out-session"), sessionId }),
]);

export const deleteAccountSchema = z.object({
  password: currentPassword,
  confirm: z.literal("yes", { errorMap: () => ({ message: "account.delete.confirmRequired" }) }),
});
