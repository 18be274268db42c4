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

interface FieldShell {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | null;
  id: string;
  errorId: string;
}

function Shell({ label, hint, errors, id, errorId, children }: FieldShell & { children: ReactNode }) {
  return (
    <div className={errors?.length ? "field field--invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

export function Field({
  label,
  hint,
  errors,
  inputProps,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | null;
  inputProps: InputHTMLAttributes<HTMLInputElement> & { id: string };
}) {
  const errorId = `${inputProps.id}-error`;
  return (
    <Shell label={label} hint={hint} errors={errors} id={inputProps.id} errorId={errorId}>
      <input {...inputProps} aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? errorId : undefined} />
    </Shell>
  );
}

export function TextareaField({
  label,
  hint,
  errors,
  textareaProps,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | null;
  textareaProps: TextareaHTMLAttributes<HTMLTextAreaElement> & { id: string };
}) {
  const errorId = `${textareaProps.id}-error`;
  return (
    <Shell label={label} hint={hint} errors={errors} id={textareaProps.id} errorId={errorId}>
      <textarea {...textareaProps} aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? errorId : undefined} />
    </Shell>
  );
}

export function SelectField({
  label,
  hint,
  errors,
  selectProps,
  options,
  placeholder,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | null;
  selectProps: SelectHTMLAttributes<HTMLSelectElement> & { id: string };
  options: { value: string; label: string }[];
  placeholder?: string;
}) {
  const errorId = `${selectProps.id}-error`;
  return (
    <Shell label={label} hint={hint} errors={errors} id={selectProps.id} errorId={errorId}>
      <select {...selectProps} aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? errorId : undefined}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}
