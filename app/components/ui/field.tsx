// A form field: label, control, description and error, wired from conform's field metadata (ADR 190) so every
// form gets the same accessibility: the control names its error with aria-invalid and aria-describedby, and
// its limits (required, maxLength, min, max) come from the form's zod schema.
import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from "@conform-to/react";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

// The field's own schema type does not matter here: only its name, ids, constraint and errors are read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyField = FieldMetadata<any, any, string[]>;

type InputType = "text" | "email" | "password" | "number" | "date" | "search" | "url" | "tel";

/** `inline`: a control in a row of controls (a toolbar, a panel), as wide as its content or its class says. */
export type FieldDensity = "md" | "sm" | "inline";

const CONTROL: Record<FieldDensity, string> = {
  md: "mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950",
  sm: "mt-0.5 block w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950",
  inline: "rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-950",
};
const INVALID = "aria-[invalid=true]:border-red-600 dark:aria-[invalid=true]:border-red-400";

/** The class string of a text control, for the few inputs that are not a conform field (GET filters). */
export function controlClass(density: FieldDensity = "md", className?: string) {
  return [CONTROL[density], INVALID, className].filter(Boolean).join(" ");
}

/** The error of a field, with the id its control's aria-describedby names; nothing while the field is valid. */
export function FieldError({ meta, className }: { meta: AnyField; className?: string }) {
  return meta.errors?.length ? (
    <p id={meta.errorId} className={["text-sm text-red-700 dark:text-red-400", className].filter(Boolean).join(" ")}>
      {meta.errors[0]}
    </p>
  ) : null;
}

function Description({ meta, children }: { meta: AnyField; children?: ReactNode }) {
  return children ? (
    <p id={meta.descriptionId} className="text-xs text-slate-600 dark:text-slate-400">
      {children}
    </p>
  ) : null;
}

type Common = { meta: AnyField; label: ReactNode; description?: ReactNode; density?: FieldDensity; className?: string; controlClassName?: string };

export function Field({
  meta,
  label,
  description,
  density = "md",
  className,
  controlClassName,
  type = "text",
  ...rest
}: Common & { type?: InputType } & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id" | "type" | "form" | "className">) {
  const { key, ...props } = getInputProps(meta, { type, ariaDescribedBy: description ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <label htmlFor={meta.id} className={density === "sm" ? "block text-xs" : "block text-sm"}>
        {label}
      </label>
      <input key={key} {...props} {...rest} className={controlClass(density, controlClassName)} />
      <Description meta={meta}>{description}</Description>
      <FieldError meta={meta} />
    </div>
  );
}

export function SelectField({
  meta,
  label,
  description,
  density = "md",
  className,
  controlClassName,
  options,
  ...rest
}: Common & { options: ReadonlyArray<{ value: string; label: string }> } & Omit<
    SelectHTMLAttributes<HTMLSelectElement>,
    "name" | "id" | "form" | "className" | "children"
  >) {
  const { key, ...props } = getSelectProps(meta, { ariaDescribedBy: description ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <label htmlFor={meta.id} className={density === "sm" ? "block text-xs" : "block text-sm"}>
        {label}
      </label>
      <select key={key} {...props} {...rest} className={controlClass(density, controlClassName)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Description meta={meta}>{description}</Description>
      <FieldError meta={meta} />
    </div>
  );
}

export function TextareaField({
  meta,
  label,
  description,
  density = "md",
  className,
  controlClassName,
  ...rest
}: Common & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id" | "form" | "className">) {
  const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: description ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <label htmlFor={meta.id} className={density === "sm" ? "block text-xs" : "block text-sm"}>
        {label}
      </label>
      <textarea key={key} {...props} {...rest} className={controlClass(density, controlClassName)} />
      <Description meta={meta}>{description}</Description>
      <FieldError meta={meta} />
    </div>
  );
}

/** A checkbox with its label after it; `value` is what a checked box sends (the browser's "on" by default). */
export function CheckboxField({
  meta,
  label,
  description,
  className,
  value,
  children,
}: Omit<Common, "density" | "controlClassName"> & { value?: string; children?: ReactNode }) {
  const { key, ...props } = getInputProps(meta, { type: "checkbox", value: value ?? "on", ariaDescribedBy: description ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <label className="flex items-center gap-2 text-sm">
        <input key={key} {...props} />
        {label}
        {children}
      </label>
      <Description meta={meta}>{description}</Description>
      <FieldError meta={meta} />
    </div>
  );
}
