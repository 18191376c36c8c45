// A small tag beside text: a session's label or status, a role, a rating chosen. One place for its look (tone),
// so components stop repeating "rounded bg-… px-1.5 py-0.5 text-xs" (issue 15). Colours keep AA contrast in
// both themes (axe checks them in tests/e2e/forms.spec.ts).
import type { ButtonHTMLAttributes, HTMLAttributes } from "react";

export type ChipTone = "neutral" | "success" | "warning" | "danger" | "info" | "accent";

const TONES: Record<ChipTone, string> = {
  neutral: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100",
  success: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
  warning: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  danger: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  info: "bg-blue-100 text-blue-900 dark:bg-blue-900 dark:text-blue-100",
  accent: "bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100",
};

/** The class string of a chip, for an element that is not a Chip (a link, a summary). */
export function chipClass({ tone = "neutral", className }: { tone?: ChipTone; className?: string } = {}) {
  return ["inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs", TONES[tone], className].filter(Boolean).join(" ");
}

type ChipProps = HTMLAttributes<HTMLElement> & { tone?: ChipTone; as?: "span" | "li" };

export function Chip({ tone, as: Tag = "span", className, ...props }: ChipProps) {
  return <Tag className={chipClass({ tone, className })} {...props} />;
}

/** The × inside a chip that removes it; `label` names what it removes for screen readers. */
export function ChipRemove({ label, className, type = "button", ...props }: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "children"> & { label: string }) {
  return (
    <button
      type={type}
      aria-label={label}
      className={["rounded px-0.5 hover:bg-slate-200 dark:hover:bg-slate-700", className].filter(Boolean).join(" ")}
      {...props}
    >
      ×
    </button>
  );
}
