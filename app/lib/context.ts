import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The client's address as the server saw it (behind a proxy: trusted X-Forwarded-For). */
    clientIp: string;
  }
}

export {};
