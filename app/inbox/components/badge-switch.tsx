// "Show my unread badge": auditors start without one (ADR 100); anyone may switch theirs on or off.
import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import { Banner } from "~/components/ui/banner";

export function BadgeSwitch({ shown }: { shown: boolean }) {
  const fetcher = useFetcher<{ ok: boolean; badge?: "on" | "off"; message?: string }>();
  const pending = fetcher.formData?.get("badge");
  const current = pending ? pending === "on" : fetcher.data?.badge ? fetcher.data.badge === "on" : shown;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) window.dispatchEvent(new Event("unread-badge-changed"));
  }, [fetcher.state, fetcher.data]);
  return (
    <fetcher.Form method="post" action="/inbox/unread-total" className="text-sm">
      <label className="inline-flex items-center gap-1.5 text-slate-600 dark:text-slate-300">
        <input
          type="checkbox"
          name="badge"
          value="on"
          checked={current}
          onChange={(e) => fetcher.submit({ badge: e.currentTarget.checked ? "on" : "off" }, { method: "post", action: "/inbox/unread-total" })}
        />
        Unread badge in the menu
      </label>
      {fetcher.data && !fetcher.data.ok ? (
        <Banner tone="error" className="ml-2 inline">
          {fetcher.data.message ?? "Not saved."}
        </Banner>
      ) : null}
    </fetcher.Form>
  );
}
