import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { storage, type ObjectStorage, type S3Config } from "~/lib/storage.server.ts";

/** s3rver's fixed credentials: it checks every request's signature against them. */
const ACCESS_KEY = "S3RVER";

export interface TestS3Server {
  endpoint: string;
  /** A config for s3Storage; each call names a fresh bucket unless one is given (the app creates it). */
  config(bucket?: string): S3Config;
  /** The variables that point an app process at this server and bucket. */
  env(bucket: string): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver, pure JavaScript, files in a temporary
 * directory) on a free loopback port, so the S3 driver's requests go over HTTP
 * through the AWS SDK as they would to MinIO.
 */
export async function startS3Server(): Promise<TestS3Server> {
  // The SDK warns once per process that releases from 2027 need Node 22; the tests run Node 20 like the image.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const directory = mkdtempSync(path.join(tmpdir(), "techex-s3-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  let buckets = 0;
  const nextBucket = () => `techex-test-${process.pid}-${++buckets}`;
  return {
    endpoint,
    config: (bucket = nextBucket()) => ({ bucket, region: "us-east-1", endpoint, accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY }),
    env: (bucket) => ({
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: ACCESS_KEY,
      // The SDK warns once per process that it will need Node 22 from 2027; the image runs Node 20.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    }),
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Makes `store` the process's storage (the "storage" singleton) for the tests that follow. */
export function setStorage(store: ObjectStorage): ObjectStorage {
  storage(); // creates the singleton map
  (globalThis as unknown as { __techexSingletons: Map<string, unknown> }).__techexSingletons.set("storage", store);
  return store;
}

/** The same, once the store is prepared (its bucket or directory created). */
export async function useStorage(store: ObjectStorage): Promise<ObjectStorage> {
  await store.prepare();
  return setStorage(store);
}

/** Every key stored under `prefix` ("listings/…/"), temporary files included, sorted. */
export async function storedKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage().list(prefix)) keys.push(object.key);
  return keys.sort();
}

/** The stored bytes, or null. */
export async function readStored(key: string): Promise<Buffer | null> {
  const object = await storage().get(key);
  return object ? Buffer.from(await new Response(object.body).arrayBuffer()) : null;
}
