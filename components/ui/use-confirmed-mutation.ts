"use client";

// A destructive action on one row, behind a ConfirmDialog: ask(item) opens the dialog (clearing an
// earlier failure), confirming runs the mutation, success closes it and calls onDone. Spread
// `dialog` onto <ConfirmDialog>; `target` is the row being confirmed, for the dialog's text.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "./api";

export function useConfirmedMutation<T>(mutationFn: (item: T) => Promise<unknown>, onDone: () => Promise<unknown>) {
  const [target, setTarget] = useState<T | null>(null);
  const mutation = useMutation({
    mutationFn,
    onSuccess: async () => {
      setTarget(null);
      await onDone();
    },
  });
  return {
    target,
    ask: (item: T) => {
      mutation.reset();
      setTarget(item);
    },
    dialog: {
      open: target !== null,
      pending: mutation.isPending,
      error: mutation.error ? errorMessage(mutation.error) : undefined,
      onConfirm: () => {
        if (target !== null) mutation.mutate(target);
      },
      onCancel: () => setTarget(null),
    },
  };
}
