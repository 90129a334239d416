"use client";

import { useActionState } from "react";
import type { AdminActionState } from "@/app/admin/schemas";
import { SubmitButton } from "@/components/ui/submit-button";

type AdminActionFormProps = {
  action: (previous: AdminActionState, formData: FormData) => Promise<AdminActionState>;
  fields: Record<string, string>;
  label: string;
  /** Accessible name: starts with the visible label, then says what it ends ("Sign out everywhere: alice@example.com"). */
  accessibleLabel: string;
};

/** A one-button form for an operator action, with its result announced politely. */
export function AdminActionForm({ action, fields, label, accessibleLabel }: AdminActionFormProps) {
  const [state, formAction] = useActionState(action, null);
  return (
    <form action={formAction} className="flex items-center gap-3">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton className="btn-secondary text-sm" disableWhilePending>
        <span aria-hidden="true">{label}</span>
        <span className="sr-only">{accessibleLabel}</span>
      </SubmitButton>
      <p role="status" className={`text-sm ${state && !state.ok ? "text-berry-700" : "text-leaf-800"}`}>
        {state?.message}
      </p>
    </form>
  );
}
