// The account page's notification section: the browser's permission (asked only from this button, never on
// load) and the operator's own choices, saved server-side (intent=notifications on /account).
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { NotificationPrefs } from "../preferences.server";
import { playTone } from "../tone";

type Permission = NotificationPermission | "unsupported" | "unknown";

export function NotificationSettings({ prefs, saved }: { prefs: NotificationPrefs; saved: boolean }) {
  const [permission, setPermission] = useState<Permission>("unknown");
  const busy = useNavigation().formData?.get("intent") === "notifications";
  useEffect(() => setPermission(typeof Notification === "undefined" ? "unsupported" : Notification.permission), []);

  const ask = async () => {
    if (typeof Notification === "undefined") return;
    setPermission(await Notification.requestPermission());
  };
  return (
    <section aria-labelledby="notifications-title" className="max-w-lg space-y-3">
      <h2 id="notifications-title" className="text-lg font-semibold">
        Notifications
      </h2>
      <p className="text-sm" data-testid="notification-permission">
        {permission === "granted"
          ? "This browser shows the Console's notifications."
          : permission === "denied"
            ? "This browser blocks the Console's notifications; allow them in the browser's site settings."
            : permission === "unsupported"
              ? "This browser cannot show notifications."
              : "This browser does not show the Console's notifications yet."}
      </p>
      {permission === "default" ? (
        <button type="button" onClick={ask} className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
          Allow browser notifications
        </button>
      ) : null}
      <Form method="post" aria-label="Notification settings" className="space-y-2">
        <input type="hidden" name="intent" value="notifications" />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="mine" defaultChecked={prefs.mine} />A new user message in a session I hold or am assigned
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="waiting" defaultChecked={prefs.waiting} />A session starts waiting on a human
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="sound" defaultChecked={prefs.sound} />
          Play a sound
          <button type="button" onClick={playTone} className="text-xs underline">
            Try it
          </button>
        </label>
        <button disabled={busy} className="rounded bg-blue-600 px-3 py-1 text-sm text-white disabled:opacity-50">
          Save notification settings
        </button>
        {saved ? (
          <p role="status" className="text-sm text-green-700 dark:text-green-400">
            Notification settings saved.
          </p>
        ) : null}
      </Form>
    </section>
  );
}
