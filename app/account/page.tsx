import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current-user";
import { listOrdersForCurrentUser } from "@/lib/orders/service";
import { OrderList } from "@/components/account/order-list";
import { Alert } from "@/components/ui/alert";
import { formatPrice } from "@/components/ui/format";
import { SubmitButton } from "@/components/ui/submit-button";
import { signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ order?: string | string[] }> }) {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in?callbackUrl=/account");

  const [{ order }, orders] = await Promise.all([searchParams, listOrdersForCurrentUser()]);
  const placedId = typeof order === "string" && /^\d{1,10}$/.test(order) ? Number(order) : null;
  const placed = orders.find((candidate) => candidate.id === placedId) ?? null;
  const sorted = [...orders].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime() || b.id - a.id);

  return (
    <div className="mx-auto max-w-3xl">
      {placed ? (
        <Alert tone="success" role="status" title={`Thank you! Order #${placed.id} is placed.`} className="mb-8">
          We&apos;ve received your order of {formatPrice(placed.totalCents)}. It ships within two working days.
        </Alert>
      ) : null}

      <h1 className="font-serif text-3xl font-semibold tracking-tight text-bean-900">Your account</h1>

      <section aria-labelledby="details-heading" className="card mt-6 p-6">
        <h2 id="details-heading" className="text-lg font-semibold text-bean-900">
          Details
        </h2>
        <dl className="mt-3 grid grid-cols-[6rem_1fr] gap-y-2 text-sm">
          <dt className="text-bean-700">Name</dt>
          <dd className="font-medium text-bean-900">{user.name}</dd>
          <dt className="text-bean-700">Email</dt>
          <dd className="font-medium break-all text-bean-900">{user.email}</dd>
        </dl>
      </section>

      <section aria-labelledby="devices-heading" className="card mt-6 p-6">
        <h2 id="devices-heading" className="text-lg font-semibold text-bean-900">
          Devices
        </h2>
        <p className="mt-2 text-sm text-bean-700">
          Signed in on a computer you no longer use? This signs you out on every device and browser at once.
        </p>
        <form action={signOutEverywhereAction} className="mt-4">
          <SubmitButton className="btn-secondary" disableWhilePending>
            Sign out everywhere
          </SubmitButton>
        </form>
      </section>

      <section aria-labelledby="orders-heading" className="mt-10">
        <h2 id="orders-heading" className="text-xl font-semibold text-bean-900">
          Orders
        </h2>
        <div className="mt-4">
          <OrderList orders={sorted} highlightId={placed?.id ?? null} />
        </div>
      </section>
    </div>
  );
}
