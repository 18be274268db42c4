import { hash, verify } from "@node-rs/argon2";
import commonPasswords from "./common-passwords.json";
import { passwordField } from "./schema.ts";

/** argon2id with OWASP's second recommended profile (19 MiB, 2 passes). */
// algorithm 2 is Argon2id (@node-rs/argon2 exports it as a const enum, which isolatedModules cannot read).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified when the e-mail is unknown, so both failures take the same time.
const DUMMY_HASH = hash("techex-timing-equaliser", OPTIONS);

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await DUMMY_HASH, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/**
 * The 10,000 most common passwords (SecLists, lower-cased; source and licence in
 * common-passwords.LICENSE.txt). Server-only, so browsers never download the list.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(commonPasswords as string[]);

/** Whether a password is among the 10,000 most common, ignoring letter case ("Password123" is "password123"). */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}

/**
 * The rule for every password a person chooses (sign-up, reset, first password, change on the
 * account page): the shared form rule (10–128 characters, letters and a digit) and not among
 * the most common. Returns the message key of the first rule broken, or null when it passes.
 */
export function newPasswordProblem(password: string): string | null {
  const parsed = passwordField.safeParse(password);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? "errors.passwordTooShort";
  return isCommonPassword(password) ? "errors.passwordCommon" : null;
}
