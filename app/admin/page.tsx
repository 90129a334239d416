import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { getClusterView } from "@/lib/admin/cluster";
import { getSessionOverview } from "@/lib/admin/sessions";
import { getCurrentUser } from "@/lib/auth/current-user";
import { AdminActionForm } from "@/components/admin/admin-action-form";
import { ClusterPanel } from "@/components/admin/cluster-panel";
import { formatDateTime } from "@/components/ui/format";
import { endSessionAction, signOutEverywhereAction } from "./actions";

export const metadata: Metadata = { title: "Operations" };

export default async function AdminPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in?callbackUrl=/admin");
  if (user.role !== "admin") forbidden();

  const [overview, cluster] = await Promise.all([getSessionOverview(), getClusterView()]);

  return (
    <div className="space-y-8">
      <h1 className="font-serif text-3xl font-semibold tracking-tight text-bean-900">Operations</h1>

      <section aria-labelledby="sessions-heading" className="card p-6">
        <h2 id="sessions-heading" className="text-lg font-semibold text-bean-900">Active sessions</h2>
        <dl className="mt-4 grid grid-cols-3 gap-4 text-center">
          {[
            ["Total", overview.anonymous + overview.signedIn],
            ["Signed in", overview.signedIn],
            ["Anonymous", overview.anonymous],
          ].map(([label, value]) => (
            <div key={label} className="rounded-xl bg-bean-50 px-3 py-4">
              <dt className="text-sm text-bean-700">{label}</dt>
              <dd className="mt-1 text-3xl font-semibold text-bean-900">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <ClusterPanel initial={cluster} />

      <section aria-labelledby="users-heading" className="card p-6">
        <h2 id="users-heading" className="text-lg font-semibold text-bean-900">Signed-in users</h2>
        {overview.users.length === 0 ? (
          <p className="mt-3 text-sm text-bean-700">Nobody is signed in.</p>
        ) : (
          <ul className="mt-4 space-y-6">
            {overview.users.map((entry) => (
              <li key={entry.userId} className="rounded-xl border border-bean-200 p-4">
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <p className="font-medium text-bean-900">
                    {entry.name} <span className="text-bean-700">({entry.email})</span>
                  </p>
                  <AdminActionForm
                    action={signOutEverywhereAction}
                    fields={{ userId: String(entry.userId) }}
                    label="Sign out everywhere"
                    accessibleLabel={`Sign out everywhere: ${entry.email}`}
                  />
                </div>
                <table className="mt-3 w-full text-left text-sm">
                  <caption className="sr-only">Sessions of {entry.email}</caption>
                  <thead className="text-bean-700">
                    <tr>
                      <th scope="col" className="py-1 font-medium">Session</th>
                      <th scope="col" className="py-1 font-medium">Created</th>
                      <th scope="col" className="py-1 font-medium">Last seen</th>
                      <th scope="col" className="py-1 font-medium">Last node</th>
                      <th scope="col" className="py-1 font-medium"><span className="sr-only">Actions</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    {entry.sessions.map((session) => (
                      <tr key={session.key} className="border-t border-bean-100">
                        <td className="py-2 font-mono text-bean-900">{session.label}</td>
                        <td className="py-2">{formatDateTime(session.createdAt)}</td>
                        <td className="py-2">{formatDateTime(session.lastSeen)}</td>
                        <td className="py-2">{session.lastNode}</td>
                        <td className="py-2">
                          <AdminActionForm
                            action={endSessionAction}
                            fields={{ key: session.key }}
                            label="End"
                            accessibleLabel={`End session ${session.label} of ${entry.email}`}
                          />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
