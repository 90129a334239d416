"use client";

// Replaces the root layout when it fails, so it brings its own minimal document and styles.
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, fontFamily: "system-ui, sans-serif", background: "#fbf8f4", color: "#2b1d15" }}>
        <title>Something went wrong · Kettle &amp; Crema</title>
        <main style={{ maxWidth: "32rem", margin: "0 auto", padding: "4rem 1.5rem", textAlign: "center" }}>
          <h1 style={{ fontSize: "1.75rem" }}>Something went wrong</h1>
          <p style={{ color: "#5a3f2e" }}>The shop couldn&apos;t load this page just now. Please try again.</p>
          <button
            type="button"
            onClick={() => retry()}
            style={{ marginTop: "1.5rem", padding: "0.6rem 1.4rem", borderRadius: "999px", border: 0, background: "#452e21", color: "#fff", fontWeight: 600, cursor: "pointer" }}
          >
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
