"use client";

// A client component (no state of its own) so that the RSC payload of every page
// carries the node name, not the footer's markup.
export function SiteFooter({ node }: { node: string }) {
  return (
    <footer className="mt-16 border-t border-bean-200 bg-bean-50">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-bean-700 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div>
          <p className="font-semibold text-bean-900">Kettle &amp; Crema</p>
          <p className="mt-1">Small-batch coffee, loose-leaf tea and brewing gear. Free shipping on every order.</p>
        </div>
        <div className="flex flex-col gap-1 sm:items-end">
          <p className="text-xs">Questions about an order? hello@kettleandcrema.example</p>
          <p className="inline-flex items-center gap-2 font-mono text-xs text-bean-700" data-testid="served-by">
            <span className="size-2 rounded-full bg-leaf-700" aria-hidden="true" />
            Served by {node}
          </p>
        </div>
      </div>
    </footer>
  );
}
