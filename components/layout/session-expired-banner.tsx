export function SessionExpiredBanner() {
  return (
    <div role="status" className="border-b border-crema/40 bg-bean-100">
      <p className="mx-auto max-w-6xl px-4 py-3 text-sm text-bean-900 sm:px-6">
        <strong className="font-semibold">Your session expired.</strong> After a while without activity we
        empty your cart and sign you out, to keep your account safe.
      </p>
    </div>
  );
}
