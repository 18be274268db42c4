import { Honeypot, SpamError } from "remix-utils/honeypot/server";
import { sessionSecret } from "./session.server.ts";
import { singleton } from "~/lib/singleton.server.ts";

/** A hidden field bots fill in, plus an encrypted timestamp (remix-utils). */
export function honeypot() {
  return singleton("honeypot", () => new Honeypot({ encryptionSeed: sessionSecret() }));
}

/**
 * The honeypot fields every page's forms carry. Encrypting the timestamp (crypto-js) cost a
 * few percent of every page's CPU (#17), so one set serves a process for up to a second: the
 * timestamp only says since when a submission is believable, and it stays in the past.
 */
export function honeypotInputProps() {
  const now = Date.now();
  if (!kept || now - kept.at >= 1_000) kept = { at: now, props: honeypot().getInputProps({ validFromTimestamp: now }) };
  return kept.props;
}

let kept: { at: number; props: ReturnType<Honeypot["getInputProps"]> } | undefined;

/**
 * True when the submission looks like a bot's. remix-utils skips the check when
 * both fields are missing; our forms always render them, so absence is spam too.
 */
export async function isSpam(formData: FormData): Promise<boolean> {
  const { nameFieldName, validFromFieldName } = honeypotInputProps();
  if (!formData.has(nameFieldName) || (validFromFieldName && !formData.has(validFromFieldName))) return true;
  try {
    await honeypot().check(formData);
    return false;
  } catch (error) {
    if (error instanceof SpamError) return true;
    throw error;
  }
}
