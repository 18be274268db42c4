import { randomBytes } from "node:crypto";
import { storage, type StoredObject } from "~/lib/storage.server.ts";

/**
 * Where registration documents live: the upload store (local disk or S3, app/lib/storage.server.ts),
 * under keys the server chooses. Nothing else lists or sweeps the `verifications/` prefix.
 */
const KEY_PATTERN = /^verifications\/[A-Za-z0-9_-]{1,64}\/[0-9a-f]{32}\.(?:jpg|png|webp|pdf)$/;

export const isVerificationDocumentKey = (key: string) => KEY_PATTERN.test(key);

export const newVerificationDocumentKey = (organisationId: string, ext: string) => `verifications/${organisationId}/${randomBytes(16).toString("hex")}.${ext}`;

/** Writes the whole document or nothing; throws when the store is unreachable. */
export function storeVerificationDocument(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
  if (!isVerificationDocumentKey(key)) throw new Error(`not a verification document key: ${JSON.stringify(key)}`);
  return storage().put(key, bytes, { contentType });
}

/** Removes a document whose row was never committed; one already gone is no error. */
export function removeVerificationDocument(key: string): Promise<void> {
  return storage().delete(key);
}

/** The stored document as a stream, or null when it is missing. */
export async function readVerificationDocument(key: string): Promise<StoredObject | null> {
  return isVerificationDocumentKey(key) ? storage().get(key) : null;
}
