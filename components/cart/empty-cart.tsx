import { IntentLink } from "@/components/ui/intent-link";

export function EmptyCart() {
  return (
    <div className="card flex flex-col items-center px-6 py-14 text-center">
      <svg viewBox="0 0 64 64" className="size-16 text-bean-300" fill="none" aria-hidden="true">
        <path d="M8 12h7l6 30a4 4 0 0 0 4 3h22a4 4 0 0 0 4-3l5-20H19" stroke="currentColor" strokeWidth="3.5" strokeLinecap="round" strokeLinejoin="round" />
        <circle cx="27" cy="53" r="3.5" fill="currentColor" />
        <circle cx="47" cy="53" r="3.5" fill="currentColor" />
      </svg>
      <p className="mt-4 text-lg font-semibold text-bean-900">Your cart is empty</p>
      <p className="mt-1 max-w-sm text-sm text-bean-600">
        Fresh beans, loose-leaf tea and the gear to brew them are one click away.
      </p>
      <IntentLink href="/" className="btn-primary mt-6">
        Browse the shop
      </IntentLink>
    </div>
  );
}
