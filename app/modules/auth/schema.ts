import { z } from "zod";
import { singleLine } from "~/lib/text.ts";
import { safeRedirectPath } from "~/lib/redirect.ts";

/**
 * Form schemas shared by the browser (instant feedback through conform) and the
 * server (the truth). Messages are i18n keys, translated where they are shown.
 */
export const emailField = singleLine(
  z.string({ required_error: "errors.required" }).min(1, "errors.required").max(254, "errors.tooLong").email("errors.email"),
).transform((v) => v.toLowerCase());

export const passwordField = z
  .string({ required_error: "errors.required" })
  .min(10, "errors.passwordTooShort")
  .max(128, "errors.tooLong")
  .refine((v) => /\p{L}/u.test(v) && /\d/.test(v), "errors.passwordWeak");

export const redirectToField = z
  .string()
  .optional()
  .transform((v) => safeRedirectPath(v));

export const signupSchema = z
  .object({
    name: singleLine(z.string({ required_error: "errors.required" }).min(2, "errors.nameTooShort").max(100, "errors.tooLong")),
    email: emailField,
    password: passwordField,
    confirmPassword: z.string({ required_error: "errors.required" }),
    /** The terms of use and the privacy notice, agreed to together (their versions are recorded). */
    consent: z.literal("on", { errorMap: () => ({ message: "errors.consentRequired" }) }),
    redirectTo: redirectToField,
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "errors.passwordsDiffer",
  });

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ required_error: "errors.required" }).min(1, "errors.required").max(128, "errors.tooLong"),
  redirectTo: redirectToField,
});

/** "Forgot password": the address to send a link to. */
export const forgotPasswordSchema = z.object({ email: emailField });

/** A new password chosen through a reset or first-password link. */
export const newPasswordSchema = z
  .object({
    password: passwordField,
    confirmPassword: z.string({ required_error: "errors.required" }),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "errors.passwordsDiffer",
  });

/** The last part of a one-time link: 32 random bytes in base64url. */
export const accountTokenParam = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** `npm run users:create`'s arguments. */
export const createAccountSchema = z.object({
  email: emailField,
  name: singleLine(z.string({ required_error: "errors.required" }).min(2, "errors.nameTooShort").max(100, "errors.tooLong")),
  role: z.enum(["admin", "broker", "member"], { errorMap: () => ({ message: "must be admin, broker or member" }) }),
  organisation: z.string().trim().min(1).max(64).optional(),
  lang: z.enum(["vi", "en"], { errorMap: () => ({ message: "must be vi or en" }) }).default("vi"),
});
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

export type SignupInput = z.infer<typeof signupSchema>;
export type LoginInput = z.infer<typeof loginSchema>;
