import { hash, verify } from "@node-rs/argon2";

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
