// A message about the page or a form: what was saved (status), or what went wrong (alert). Screen readers
// announce a status politely and an alert at once; the tone decides which. `Banner` is one line of coloured
// text beside a form; `Notice` is the boxed strip above a page's content (FleetLM unreachable, live updates
// interrupted), so pages stop keeping their own amber class strings.
import type { HTMLAttributes, ReactNode } from "react";

export type BannerTone = "info" | "success" | "warning" | "error";

const TONES: Record<BannerTone, string> = {
  info: "text-slate-700 dark:text-slate-300",
  success: "text-green-700 dark:text-green-400",
  warning: "text-amber-800 dark:text-amber-300",
  error: "text-red-700 dark:text-red-400",
};

const BOXES: Record<BannerTone, string> = {
  info: "border-slate-300 bg-slate-50 text-slate-800 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100",
  success: "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100",
  warning: "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100",
  error: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
};

type Props = Omit<HTMLAttributes<HTMLElement>, "role"> & { tone?: BannerTone; children: ReactNode };

const roleOf = (tone: BannerTone) => (tone === "error" || tone === "warning" ? "alert" : "status");

export function Banner({ tone = "info", className, children, ...rest }: Props) {
  return (
    <p role={roleOf(tone)} className={["text-sm", TONES[tone], className].filter(Boolean).join(" ")} {...rest}>
      {children}
    </p>
  );
}

/** The boxed strip above a page's content; `role` may be set to "status" for a warning that is not urgent. */
export function Notice({ tone = "warning", className, children, role, ...rest }: Props & { role?: "status" | "alert" }) {
  return (
    <div role={role ?? roleOf(tone)} className={["rounded border px-3 py-1.5 text-sm", BOXES[tone], className].filter(Boolean).join(" ")} {...rest}>
      {children}
    </div>
  );
}

/** The first of a list of errors as an error banner, or nothing. */
export function ErrorBanner({ errors, id, className }: { errors?: string[] | null; id?: string; className?: string }) {
  return errors?.length ? (
    <Banner tone="error" id={id} className={className}>
      {errors[0]}
    </Banner>
  ) : null;
}
