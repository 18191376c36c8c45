import { createContext, useContext } from "react";

// The per-request CSP nonce, provided by entry.server.tsx; empty in the browser (scripts already ran).
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
