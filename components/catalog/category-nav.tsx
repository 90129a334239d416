import { IntentLink } from "@/components/ui/intent-link";
import { categorySlug } from "./types";

export function CategoryNav({ categories, active }: { categories: string[]; active: string | null }) {
  const items = [{ label: "All", href: "/", current: active === null }].concat(
    categories.map((category) => ({
      label: category,
      href: `/?category=${categorySlug(category)}`,
      current: active === categorySlug(category),
    })),
  );
  return (
    <nav aria-label="Categories">
      <ul role="list" className="flex flex-wrap gap-2">
        {items.map((item) => (
          <li key={item.href}>
            <IntentLink
              href={item.href}
              aria-current={item.current ? "page" : undefined}
              className={`inline-block rounded-full border px-4 py-1.5 text-sm font-medium transition-colors ${
                item.current
                  ? "border-bean-800 bg-bean-800 text-white"
                  : "border-bean-300 bg-white text-bean-800 hover:border-bean-500"
              }`}
            >
              {item.label}
            </IntentLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
