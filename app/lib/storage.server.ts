import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type * as S3 from "@aws-sdk/client-s3";
import { env, type Env } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * Where uploaded files live: one interface, two drivers. `local` keeps them under
 * UPLOAD_DIR (what `npm start` uses); `s3` keeps them in a bucket of any S3-compatible
 * store (MinIO in docker-compose.yml), so several app processes on one database serve
 * each other's uploads. Keys are chosen by the modules that own the files, never taken
 * from a request; this layer refuses any key that could name a path outside the store.
 */
export type StorageDriver = "local" | "s3";

export type StoredObject = { body: ReadableStream<Uint8Array>; byteSize: number };
export type ListedObject = { key: string; modifiedAt: Date };

export interface ObjectStorage {
  readonly driver: StorageDriver;
  /** Writes the whole object or nothing: a reader never sees half a file. A stream needs its byte size. */
  put(key: string, body: Uint8Array | Readable, options: { contentType: string; byteSize?: number }): Promise<void>;
  /** The object as a stream, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; one that is already gone is no error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (which ends with "/"), in no particular order. */
  list(prefix: string): AsyncIterable<ListedObject>;
  /** Checks the store answers (and creates the bucket if missing), so a misconfiguration stops the start. */
  prepare(): Promise<void>;
}

const SEGMENT = "[A-Za-z0-9_-]{1,64}";
const KEY = new RegExp(`^(?:${SEGMENT}/){1,4}${SEGMENT}(?:\\.[a-z0-9]{1,8})?$`);
const PREFIX = new RegExp(`^(?:${SEGMENT}/){1,4}$`);

/** Keys are a few plain segments and an extension: no dots to climb with, no leading slash, no encodings. */
export function isObjectKey(key: string): boolean {
  return KEY.test(key);
}

const TEMPORARY_SUFFIX = ".tmp";
/** A local file being written: its key, a random part, ".tmp". */
const TEMPORARY = new RegExp(`^(?:${SEGMENT}/){1,4}${SEGMENT}(?:\\.[a-z0-9]{1,8})?\\.[0-9a-f]{12}\\.tmp$`);

function checkKey(key: string) {
  if (!isObjectKey(key)) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
}

function checkPrefix(prefix: string) {
  if (!PREFIX.test(prefix)) throw new Error(`not a storage prefix: ${JSON.stringify(prefix)}`);
}

/** The driver the environment asks for: STORAGE_DRIVER, else s3 when S3_BUCKET is set, else local. */
export function storageDriverOf(config: Pick<Env, "STORAGE_DRIVER" | "S3_BUCKET">): StorageDriver {
  return config.STORAGE_DRIVER ?? (config.S3_BUCKET ? "s3" : "local");
}

/** The local driver's directory, read at call time so tests and tools can point it elsewhere. */
export function uploadDir(): string {
  const { UPLOAD_DIR, DATA_DIR } = env();
  return path.resolve(UPLOAD_DIR ?? path.join(DATA_DIR, "uploads"));
}

// ---------------------------------------------------------------------------
// Local disk

/** Files under `root` at their keys' paths, written to a temporary name and renamed into place. */
export function localStorage(root: () => string = uploadDir): ObjectStorage {
  const pathOf = (key: string, allowTemporary = false) => {
    if (!(allowTemporary && TEMPORARY.test(key))) checkKey(key);
    const base = root();
    const full = path.resolve(base, key);
    if (!full.startsWith(base + path.sep)) throw new Error(`storage key escapes the upload directory: ${key}`);
    return full;
  };
  return {
    driver: "local",
    async put(key, body) {
      const finalPath = pathOf(key);
      const tempPath = `${finalPath}.${randomBytes(6).toString("hex")}${TEMPORARY_SUFFIX}`;
      await mkdir(path.dirname(finalPath), { recursive: true });
      try {
        if (body instanceof Uint8Array) await writeFile(tempPath, body, { flag: "wx", mode: 0o644 });
        else await pipeline(body, createWriteStream(tempPath, { flags: "wx", mode: 0o644 }));
        await rename(tempPath, finalPath);
      } catch (error) {
        await rm(tempPath, { force: true });
        throw error;
      }
    },
    async get(key) {
      const file = pathOf(key);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return null;
      return { body: createReadableStreamFromReadable(createReadStream(file)), byteSize: info.size };
    },
    async exists(key) {
      return (await stat(pathOf(key)).catch(() => null))?.isFile() ?? false;
    },
    async delete(key) {
      // A temporary file left by a crash is listed under its own name, so a sweep can remove it.
      await rm(pathOf(key, true), { force: true });
    },
    async *list(prefix) {
      checkPrefix(prefix);
      const base = root();
      const dir = path.join(base, prefix);
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const full = path.join(entry.parentPath, entry.name);
        const info = await stat(full).catch(() => null);
        // Temporary files are listed too, under their own names (see delete).
        if (info) yield { key: path.relative(base, full).split(path.sep).join("/"), modifiedAt: info.mtime };
      }
    },
    async prepare() {
      await mkdir(root(), { recursive: true });
    },
  };
}

// ---------------------------------------------------------------------------
// S3-compatible object storage

export type S3Config = {
  bucket: string;
  region: string;
  /** An S3-compatible server (MinIO, …); unset for AWS itself. Set, keys go in the path, not the host name. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
};

/** Every request gives up after these; the SDK retries a failed one twice more. */
const S3_CONNECT_TIMEOUT_MS = 5_000;
const S3_REQUEST_TIMEOUT_MS = 30_000;

const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

export function s3Storage(config: S3Config): ObjectStorage {
  const Bucket = config.bucket;
  // Loaded when first used: the SDK is large, and a process on local disk never needs it.
  let client: Promise<{ s3: S3.S3Client; sdk: typeof S3 }> | undefined;
  const connect = () =>
    (client ??= import("@aws-sdk/client-s3").then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        region: config.region,
        endpoint: config.endpoint,
        forcePathStyle: Boolean(config.endpoint),
        credentials: config.accessKeyId && config.secretAccessKey ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } : undefined,
        // Checksums only where S3 requires them: several S3-compatible servers reject the newer trailers.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        maxAttempts: 3,
        requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, requestTimeout: S3_REQUEST_TIMEOUT_MS },
      }),
    })));
  return {
    driver: "s3",
    async put(key, body, { contentType, byteSize }) {
      checkKey(key);
      if (!(body instanceof Uint8Array) && byteSize === undefined) throw new Error("a stream needs its byte size");
      const { s3, sdk } = await connect();
      await s3.send(new sdk.PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body instanceof Uint8Array ? body.byteLength : byteSize }));
    },
    async get(key) {
      checkKey(key);
      const { s3, sdk } = await connect();
      try {
        const object = await s3.send(new sdk.GetObjectCommand({ Bucket, Key: key }));
        if (!object.Body) return null;
        return { body: object.Body.transformToWebStream() as ReadableStream<Uint8Array>, byteSize: object.ContentLength ?? 0 };
      } catch (error) {
        if (status(error) === 404) return null;
        throw error;
      }
    },
    async exists(key) {
      checkKey(key);
      const { s3, sdk } = await connect();
      try {
        await s3.send(new sdk.HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (status(error) === 404) return false;
        throw error;
      }
    },
    async delete(key) {
      checkKey(key);
      const { s3, sdk } = await connect();
      await s3.send(new sdk.DeleteObjectCommand({ Bucket, Key: key }));
    },
    async *list(prefix) {
      checkPrefix(prefix);
      const { s3, sdk } = await connect();
      for await (const page of sdk.paginateListObjectsV2({ client: s3 }, { Bucket, Prefix: prefix })) {
        for (const object of page.Contents ?? []) {
          if (object.Key) yield { key: object.Key, modifiedAt: object.LastModified ?? new Date(0) };
        }
      }
    },
    async prepare() {
      const { s3, sdk } = await connect();
      try {
        await s3.send(new sdk.HeadBucketCommand({ Bucket }));
      } catch (error) {
        if (status(error) !== 404) throw error;
        await s3.send(new sdk.CreateBucketCommand({ Bucket })).catch(async (creating: unknown) => {
          // Another process starting at the same time created it first (servers name that
          // BucketAlreadyOwnedByYou or BucketAlreadyExists): fine if it is there now and ours.
          await s3.send(new sdk.HeadBucketCommand({ Bucket })).catch(() => {
            throw creating;
          });
        });
      }
    },
  };
}

// ---------------------------------------------------------------------------

/** The store the environment configures. */
export function storageFromEnv(config: Env = env()): ObjectStorage {
  if (storageDriverOf(config) === "local") return localStorage();
  return s3Storage({
    bucket: config.S3_BUCKET!,
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
}

/** The process's store (tests replace the "storage" singleton to run against another driver). */
export function storage(): ObjectStorage {
  return singleton("storage", () => storageFromEnv());
}

/** At start: the store answers (the bucket exists, created if missing), or the start stops with the reason. */
export async function prepareStorage(log: (line: string) => void, config: Env = env()): Promise<void> {
  const driver = storageDriverOf(config);
  const where = driver === "local" ? `local disk, ${uploadDir()}` : `s3 bucket ${config.S3_BUCKET} at ${config.S3_ENDPOINT ?? `Amazon S3 (${config.S3_REGION})`}`;
  try {
    await storage().prepare();
  } catch (error) {
    throw new Error(`uploads store not ready (${where}): ${(error as Error).message}`, { cause: error });
  }
  log(`uploads: ${where}`);
}
