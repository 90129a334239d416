export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true">
      <rect width="64" height="64" rx="14" fill="#5a3f2e" />
      <path d="M14 26H44V38C44 46 38 52 29 52S14 46 14 38Z" fill="#f4ece2" />
      <path d="M44 30C52 30 52 42 43 42" stroke="#f4ece2" strokeWidth="4" fill="none" />
      <path d="M26 22C34 10 46 10 52 14C46 22 34 24 26 22Z" fill="#8dba6e" />
      <ellipse cx="29" cy="27" rx="13" ry="2.5" fill="#c8894b" />
    </svg>
  );
}
