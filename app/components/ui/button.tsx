// The Console's buttons: one place for their look (variant, size), so routes stop repeating class strings.
// Focus rings are the browser's own, as everywhere in the Console: nothing here removes the outline.
import { forwardRef, type ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary" | "neutral" | "danger" | "ghost";
export type ButtonSize = "sm" | "md" | "lg";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "rounded bg-blue-600 font-medium text-white hover:bg-blue-700 disabled:opacity-60",
  secondary: "rounded border border-slate-300 hover:bg-slate-50 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800",
  // The dark solid button of filter bars (Apply, Show, Save settings): inverted in dark mode.
  neutral: "rounded bg-slate-800 text-white hover:bg-slate-700 disabled:opacity-60 dark:bg-slate-200 dark:text-slate-900 dark:hover:bg-slate-300",
  danger: "rounded bg-red-600 font-medium text-white hover:bg-red-700 disabled:opacity-60",
  ghost: "rounded text-blue-700 underline hover:bg-slate-100 disabled:opacity-50 dark:text-blue-300 dark:hover:bg-slate-800",
};

const SIZES: Record<ButtonSize, string> = {
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
