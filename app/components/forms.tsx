import { useTranslation } from "react-i18next";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** Field errors are i18n keys from the zod schemas; shown translated. */
export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-errors" role="alert">
      {errors.map((e) => (
        <li key={e}>{t(e)}</li>
      ))}
    </ul>
  );
}

interface ShellProps {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | null;
  required?: boolean;
}

export type Aria = { "aria-invalid"?: true; "aria-describedby"?: string };

/** Label, hint and translated errors around one control, wired for screen readers. */
export function Shell({ label, hint, errors, required, id, children }: ShellProps & { id: string; children: (aria: Aria) => ReactNode }) {
  const errorId = `${id}-error`;
  const invalid = Boolean(errors?.length);
  return (
    <div className={invalid ? "field field--invalid" : "field"}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        ) : null}
      </label>
      {children(invalid ? { "aria-invalid": true, "aria-describedby": errorId } : {})}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

export function Field({ inputProps, ...shell }: ShellProps & { inputProps: InputHTMLAttributes<HTMLInputElement> & { id: string } }) {
  return <Shell {...shell} id={inputProps.id}>{(aria) => <input {...inputProps} {...aria} />}</Shell>;
}

export function TextareaField({ textareaProps, ...shell }: ShellProps & { textareaProps: TextareaHTMLAttributes<HTMLTextAreaElement> & { id: string } }) {
  return <Shell {...shell} id={textareaProps.id}>{(aria) => <textarea {...textareaProps} {...aria} />}</Shell>;
}

export function SelectField({
  selectProps,
  options,
  placeholder,
  ...shell
}: ShellProps & {
  selectProps: SelectHTMLAttributes<HTMLSelectElement> & { id: string };
  options: { value: string; label: string }[];
  placeholder?: string;
}) {
  // A resubmitted form that sent one field twice comes back with an array: a single select shows the first.
  const { defaultValue } = selectProps;
  const single = !selectProps.multiple && Array.isArray(defaultValue) ? { defaultValue: defaultValue[0] as string | undefined } : {};
  return (
    <Shell {...shell} id={selectProps.id}>
      {(aria) => (
        <select {...selectProps} {...single} {...aria}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Shell>
  );
}
