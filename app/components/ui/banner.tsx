// A one-line message about the page or a form: what was saved (status), or what went wrong (alert). Screen
// readers announce a status politely and an alert at once; the tone decides which.
import type { ReactNode } from "react";

export type BannerTone = "info" | "success" | "warning" | "error";

const TONES: Record<BannerTone, string> = {
  info: "text-slate-700 dark:text-slate-300",
  success: "text-green-700 dark:text-green-400",
  warning: "text-amber-800 dark:text-amber-300",
  error: "text-red-700 dark:text-red-400",
};

export function Banner({ tone = "info", id, className, children }: { tone?: BannerTone; id?: string; className?: string; children: ReactNode }) {
  return (
    <p id={id} role={tone === "error" || tone === "warning" ? "alert" : "status"} className={["text-sm", TONES[tone], className].filter(Boolean).join(" ")}>
      {children}
    </p>
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
