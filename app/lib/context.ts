import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as the server saw it (behind a proxy: trusted X-Forwarded-For). */
    clientIp: string;
    /** This response's Content-Security-Policy nonce, for Remix's inline scripts (scripts/lib/app-server.ts). */
    cspNonce?: string;
  }
}

export {};
