// A form POST the page makes on its own (the read position, "typing", the composer's heartbeat), with fetch() and
// not a fetcher: Remix revalidates the page after every fetcher action, and a revalidation still running when the
// operator clicks a link can finish that navigation with the old page's data (ADR 223). Fire and forget: nothing
// waits for the answer, and a lost one is sent again by the next call. Browser-safe.
export function quietPost(url: string, fields: Record<string, string>): void {
  void fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    credentials: "same-origin",
  }).catch(() => {});
}
