// A round-robin proxy in front of several Console processes (npm run cluster, the cluster tests and benches):
// every request and WebSocket upgrade goes to the next process in turn, server-sent events stream through
// unbuffered, and each answer names its process in `X-Console-Process`. `http-proxy`, a well-kept package.
import http from "node:http";
import httpProxy from "http-proxy";

/** targets: [{ name, url }]; resolves once listening, with the proxy's URL and a close(). */
export function startRoundRobinProxy({ targets, port = 0, host = "127.0.0.1" }) {
  const proxy = httpProxy.createProxyServer({ xfwd: true, ws: true });
  proxy.on("error", (error, _req, res) => {
    if (res && "writeHead" in res && !res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`proxy: ${error.message}`);
    else res?.destroy?.();
  });
  // http-proxy pipes the answer and leaves the browser's side open when a process dies mid-answer (SIGKILL):
  // a live feed would then hang forever instead of reconnecting elsewhere. Cut it as a load balancer does.
  proxy.on("proxyRes", (proxyRes, _req, res) => {
    proxyRes.once("close", () => {
      if (!proxyRes.complete) res.destroy();
    });
  });
  let turn = 0;
  const nextTarget = () => targets[turn++ % targets.length];
  const server = http.createServer((req, res) => {
    const target = nextTarget();
    res.setHeader("x-console-process", target.name);
    proxy.web(req, res, { target: target.url });
  });
  server.on("upgrade", (req, socket, head) => proxy.ws(req, socket, head, { target: nextTarget().url }));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        server,
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise((done) => {
            // Open live feeds and keep-alive connections would keep close() waiting.
            server.closeAllConnections();
            server.close(() => done());
            proxy.close();
          }),
      });
    });
  });
}
