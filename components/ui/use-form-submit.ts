"use client";

// The submit cycle the dashboard's forms share: pending while the request runs, the server's field
// errors (components/ui/api.ts fieldErrors) next to their fields, and anything that names none of
// the form's fields above its buttons — so no failure goes unshown.
import { useState } from "react";
import { errorMessage, fieldErrors } from "./api";

export function useFormSubmit(options: {
  /** The fields that show their own errors. */
  fields: readonly string[];
  submit: (form: FormData) => Promise<void>;
  /** Rewrites a failure's field errors (e.g. a conflict that belongs to one field). */
  adjustErrors?: (fields: Record<string, string>, error: unknown) => Record<string, string>;
}) {
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string>();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setErrors({});
    setFormError(undefined);
    try {
      await options.submit(form);
    } catch (err) {
      const fields = options.adjustErrors ? options.adjustErrors(fieldErrors(err), err) : fieldErrors(err);
      setErrors(fields);
      if (!options.fields.some((f) => fields[f])) setFormError(fields[""] ?? errorMessage(err));
    } finally {
      setPending(false);
    }
  }

  /** Clears the shown errors (a dialog opened again starts clean). */
  const reset = () => {
    setErrors({});
    setFormError(undefined);
  };

  return { onSubmit, pending, errors, formError, reset };
}
