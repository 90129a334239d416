"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Spinner } from "@/components/ui/spinner";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="inline-flex items-center gap-2 rounded-full border border-bean-300 px-3 py-2 font-medium text-bean-800 hover:bg-bean-100"
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/" });
      }}
    >
      {pending ? <Spinner /> : null}
      Sign out
    </button>
  );
}
