import type { ReactNode } from "react";

type AlertProps = {
  tone: "success" | "error" | "info";
  title?: string;
  children?: ReactNode;
  /** "status" for polite news, "alert" for errors that need attention now. */
  role?: "status" | "alert";
  className?: string;
};

const tones = {
  success: "border-leaf-200 bg-leaf-50 text-leaf-800",
  error: "border-berry-200 bg-berry-50 text-berry-700",
  info: "border-bean-200 bg-bean-50 text-bean-800",
};

export function Alert({ tone, title, children, role, className = "" }: AlertProps) {
  return (
    <div role={role} className={`rounded-xl border px-4 py-3 text-sm ${tones[tone]} ${className}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={title ? "mt-1" : undefined}>{children}</div> : null}
    </div>
  );
}
