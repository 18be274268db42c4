import { Honeypot, SpamError } from "remix-utils/honeypot/server";
import { sessionSecret } from "./session.server.ts";
import { singleton } from "~/lib/singleton.server.ts";

/** A hidden field bots fill in, plus an encrypted timestamp (remix-utils). */
export function honeypot() {
  return singleton("honeypot", () => new Honeypot({ encryptionSeed: sessionSecret() }));
}

/**
 * True when the submission looks like a bot's. remix-utils skips the check when
 * both fields are missing; our forms always render them, so absence is spam too.
 */
export async function isSpam(formData: FormData): Promise<boolean> {
  const { nameFieldName, validFromFieldName } = await honeypot().getInputProps();
  if (!formData.has(nameFieldName) || (validFromFieldName && !formData.has(validFromFieldName))) return true;
  try {
    await honeypot().check(formData);
    return false;
  } catch (error) {
    if (error instanceof SpamError) return true;
    throw error;
  }
}
