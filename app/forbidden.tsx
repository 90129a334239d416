import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-xl py-16 text-center">
      <h1 className="font-serif text-3xl font-semibold text-bean-900">Not for you, sorry</h1>
      <p className="mt-4 text-bean-700">This page is for the shop&apos;s operators. You are signed in, but not as one of them.</p>
      <Link href="/" className="btn-primary mt-8 inline-flex">Back to the shop</Link>
    </div>
  );
}
