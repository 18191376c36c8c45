// The account page's notification section: the browser's permission (asked only from this button, never on
// load) and the operator's own choices, saved server-side (intent=notifications on /account).
import { getFormProps, type SubmissionResult } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Banner } from "~/components/ui/banner";
import { Button } from "~/components/ui/button";
import { CheckboxField, FieldError } from "~/components/ui/field";
import { useSchemaForm } from "~/lib/forms";
import { NotificationPrefsSchema } from "../forms";
import type { NotificationPrefs } from "../preferences.server";
import { playTone } from "../tone";

type Permission = NotificationPermission | "unsupported" | "unknown";

export function NotificationSettings({ prefs, saved, result }: { prefs: NotificationPrefs; saved: boolean; result?: SubmissionResult<string[]> }) {
  const [permission, setPermission] = useState<Permission>("unknown");
  const busy = useNavigation().formData?.get("intent") === "notifications";
  const [form, fields] = useSchemaForm(NotificationPrefsSchema, {
    lastResult: result,
    defaultValue: { mine: prefs.mine ? "on" : undefined, waiting: prefs.waiting ? "on" : undefined, sound: prefs.sound ? "on" : undefined },
  });
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
        <Button type="button" variant="secondary" onClick={ask}>
          Allow browser notifications
        </Button>
      ) : null}
      <Form method="post" {...getFormProps(form)} aria-label="Notification settings" className="space-y-2">
        <input type="hidden" name="intent" value="notifications" />
        <CheckboxField meta={fields.mine} label="A new user message in a session I hold or am assigned" />
        <CheckboxField meta={fields.waiting} label="A session starts waiting on a human" />
        <CheckboxField meta={fields.sound} label="Play a sound">
          <Button type="button" variant="ghost" size="sm" onClick={playTone}>
            Try it
          </Button>
        </CheckboxField>
        <FieldError meta={fields.intent} />
        <Button disabled={busy}>Save notification settings</Button>
        {saved ? <Banner tone="success">Notification settings saved.</Banner> : null}
      </Form>
    </section>
  );
}
