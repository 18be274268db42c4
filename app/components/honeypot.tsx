import { createContext, useContext, type ReactNode } from "react";
import type { HoneypotInputProps } from "remix-utils/honeypot/server";

/**
 * remix-utils' honeypot fields (the server side stays remix-utils' Honeypot), hidden with the
 * `hidden` attribute instead of its inline `style="display:none"`, which the
 * Content-Security-Policy (style-src 'self', no inline styles) refuses to apply: the trap
 * would show to people and stop hiding from bots.
 */
const HoneypotContext = createContext<HoneypotInputProps>({ nameFieldName: "name__confirm", validFromFieldName: "from__confirm", encryptedValidFrom: "" });

export function HoneypotProvider({ children, ...props }: HoneypotInputProps & { children: ReactNode }) {
  return <HoneypotContext.Provider value={props}>{children}</HoneypotContext.Provider>;
}

export function HoneypotInputs({ label }: { label: string }) {
  const { nameFieldName, validFromFieldName, encryptedValidFrom } = useContext(HoneypotContext);
  return (
    <div id={`${nameFieldName}_wrap`} hidden aria-hidden="true">
      <label htmlFor={nameFieldName}>{label}</label>
      <input id={nameFieldName} name={nameFieldName} type="text" defaultValue="" autoComplete="nope" tabIndex={-1} />
      {validFromFieldName && encryptedValidFrom ? (
        <>
          <label htmlFor={validFromFieldName}>{label}</label>
          <input id={validFromFieldName} name={validFromFieldName} type="text" value={encryptedValidFrom} readOnly autoComplete="off" tabIndex={-1} />
        </>
      ) : null}
    </div>
  );
}
