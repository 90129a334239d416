"use client";

import { unstable_rethrow } from "next/navigation";
import { startTransition, useActionState, useState } from "react";
import { useHydrated } from "./use-hydrated";

type ServerAction<S> = (previous: S, formData: FormData) => Promise<S>;

type Options<S> = {
  /** Runs at submit, inside the form's transition: set fresh keys, apply optimistic updates. */
  prepare?: (formData: FormData) => void;
  /** The state to show when the server could not be reached after the retries. */
  unreachable: S;
  /** Only for actions that are safe to repeat (idempotent, or carrying an idempotency key). */
  retries?: number;
  /** A result worth another attempt, e.g. the database was briefly unreachable. */
  retryWhen?: (state: S) => boolean;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A form action that works before JavaScript (the server action itself, posted as a
 * plain form and answered with a re-rendered page) and, once hydrated, runs each
 * submit at once (no queue behind earlier ones, so optimistic updates show per click)
 * and retries when the request fails in transit, e.g. the web node died mid-request:
 * the load balancer sends the retry to a live node.
 */
export function useProgressiveAction<S>(serverAction: ServerAction<S>, initial: S, options: Options<S>) {
  const hydrated = useHydrated();
  const [serverState, dispatch] = useActionState(
    serverAction as (previous: Awaited<S>, formData: FormData) => Promise<S>,
    initial as Awaited<S>,
  );
  const [clientState, setClientState] = useState<{ value: S } | null>(null);
  const state: S = clientState ? clientState.value : serverState;

  const clientAction = async (formData: FormData) => {
    options.prepare?.(formData);
    const attempts = 1 + (options.retries ?? 3);
    let result = options.unreachable;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        result = await serverAction(state, formData);
        if (attempt === attempts || !options.retryWhen?.(result)) break;
        await sleep(250 * 3 ** (attempt - 1));
      } catch (error) {
        unstable_rethrow(error); // a redirect from the action is navigation, not failure
        if (attempt === attempts) console.error("form action failed", error);
        else await sleep(250 * 3 ** (attempt - 1));
      }
    }
    startTransition(() => setClientState({ value: result }));
  };

  return [state, hydrated ? clientAction : dispatch] as const;
}
