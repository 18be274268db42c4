import { createContext, useContext } from "react";

/**
 * This response's Content-Security-Policy nonce (scripts/lib/app-server.ts), for the inline
 * scripts Remix renders. Only the server knows it; in the browser it is "" (browsers hide a
 * nonce from the page once it has been used).
 */
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
