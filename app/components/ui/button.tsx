// The Console's buttons: one place for their look (variant, size), so routes stop repeating class strings.
// Focus rings are the browser's own, as everywhere in the Console: nothing here removes the outline.
import { forwardRef, type ButtonHTMLAttributes } from "react";

export type ButtonVariant =
  "primary" | "secondary" | "neutral" | "danger" | "danger-outline" | "ghost" | "quiet" | "agent" | "link" | "link-muted" | "link-danger";
export type ButtonSize = "inline" | "xs" | "sm" | "md" | "lg";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "rounded bg-blue-600 font-medium text-white hover:bg-blue-700 disabled:opacity-60",
  secondary: "rounded border border-slate-300 hover:bg-slate-50 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800",
  // The dark solid button of filter bars (Apply, Show, Save settings): inverted in dark mode.
  neutral: "rounded bg-slate-800 text-white hover:bg-slate-700 disabled:opacity-60 dark:bg-slate-200 dark:text-slate-900 dark:hover:bg-slate-300",
  danger: "rounded bg-red-600 font-medium text-white hover:bg-red-700 disabled:opacity-60",
  // A destructive action that is not the panel's main one (Force release, Stop reply): outlined, not solid.
  "danger-outline":
    "rounded border border-red-300 text-red-800 hover:bg-red-50 disabled:opacity-50 dark:border-red-800 dark:text-red-200 dark:hover:bg-red-950",
  // Acting as the agent (take over, send as the agent, let the AI answer): indigo, so it never looks like an
  // ordinary save.
  agent: "rounded border border-indigo-600 bg-indigo-600 font-medium text-white hover:bg-indigo-700 disabled:opacity-50",
  // A small borderless button among text (the shell's theme switch): only its hover shows it is a button.
  quiet: "rounded hover:bg-slate-100 disabled:opacity-60 dark:hover:bg-slate-800",
  ghost: "rounded text-blue-700 underline hover:bg-slate-100 disabled:opacity-50 dark:text-blue-300 dark:hover:bg-slate-800",
  // A button that reads as a link inside a sentence (Cancel, Edit, more context): underlined text, no box. Use
  // size "inline" so it keeps the line's own spacing.
  link: "text-blue-700 underline disabled:opacity-50 dark:text-blue-300",
  "link-muted": "text-slate-600 underline disabled:opacity-50 dark:text-slate-400",
  "link-danger": "text-red-700 underline disabled:opacity-50 dark:text-red-400",
};

const SIZES: Record<ButtonSize, string> = {
  inline: "",
  xs: "px-1 py-0.5 text-xs sm:px-1.5",
  sm: "px-2 py-1 text-xs",
  md: "px-3 py-1 text-sm",
  lg: "px-3 py-1.5",
};

/** The class string of a button, for a link or summary that must look like one. */
export function buttonClass({ variant = "primary", size = "md", className }: { variant?: ButtonVariant; size?: ButtonSize; className?: string } = {}) {
  return [VARIANTS[variant], SIZES[size], className].filter(Boolean).join(" ");
}

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: ButtonSize };

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button({ variant, size, className, type = "submit", ...props }, ref) {
  return <button ref={ref} type={type} className={buttonClass({ variant, size, className })} {...props} />;
});

/**
 * The class string of a view tab (a link): a pill, solid once it is the current page (aria-current="page").
 */
export function tabClass({ className }: { className?: string } = {}) {
  return [
    "rounded-full border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800",
    "aria-[current=page]:bg-slate-800 aria-[current=page]:text-white dark:aria-[current=page]:bg-slate-200 dark:aria-[current=page]:text-slate-900",
    className,
  ]
    .filter(Boolean)
    .join(" ");
}

export type ToggleTone = "info" | "warning" | "good" | "bad";

// The "on" look per tone, read from the element's own state: aria-pressed on a button, aria-current on a link,
// so the look cannot drift from what assistive technology is told. Solid tones keep white text at AA contrast.
const TOGGLE_ON: Record<ToggleTone, string> = {
  // …and a label holding a checked box (a review label picked).
  info: "aria-pressed:border-blue-600 aria-pressed:bg-blue-50 dark:aria-pressed:bg-blue-950 aria-[current=true]:border-blue-600 aria-[current=true]:bg-blue-50 dark:aria-[current=true]:bg-blue-950 has-checked:border-blue-600 has-checked:bg-blue-50 dark:has-checked:bg-blue-950",
  warning:
    "aria-pressed:border-amber-500 aria-pressed:bg-amber-50 dark:aria-pressed:bg-amber-950 aria-[current=true]:border-amber-500 aria-[current=true]:bg-amber-50 dark:aria-[current=true]:bg-amber-950",
  good: "aria-pressed:border-green-700 aria-pressed:bg-green-700 aria-pressed:text-white",
  bad: "aria-pressed:border-red-600 aria-pressed:bg-red-600 aria-pressed:text-white",
};

/**
 * The class string of an on/off control (a rating, a label picked, a filter link). `dashed`: the off state has
 * a dashed border (a filter not applied), solid once on.
 */
export function toggleClass({
  tone = "info",
  size = "md",
  dashed,
  className,
}: { tone?: ToggleTone; size?: ButtonSize; dashed?: boolean; className?: string } = {}) {
  return [
    "rounded border border-slate-300 disabled:opacity-50 dark:border-slate-700 aria-pressed:font-medium aria-[current=true]:font-medium",
    dashed ? "border-dashed aria-pressed:border-solid aria-[current=true]:border-solid" : "",
    TOGGLE_ON[tone],
    SIZES[size],
    className,
  ]
    .filter(Boolean)
    .join(" ");
}

export type ToggleButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "aria-pressed"> & { pressed: boolean; tone?: ToggleTone; size?: ButtonSize };

/** A button that is on or off; `pressed` is its aria-pressed, which its look follows. */
export function ToggleButton({ pressed, tone, size, className, type = "button", ...props }: ToggleButtonProps) {
  return <button type={type} aria-pressed={pressed} className={toggleClass({ tone, size, className })} {...props} />;
}
