/// <reference types="@remix-run/node" />
/// <reference types="vite/client" />

// Single fetch typings (remix.config.js enables v3_singleFetch).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
export {};
