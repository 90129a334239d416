// Hand-written SVG charts for the benchmark results: grouped bars with their
// values printed on top, and line charts with marked events. Plain SVG 1.1 with a white background and system fonts, so the files
// render the same on GitHub (light or dark theme) and in any browser.

export const PALETTE = ["#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626", "#0891b2"];

const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\"";
const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { top: 88, right: 24, bottom: 64, left: 72 };

export interface BarSeries {
  name: string;
  values: number[];
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  categories: string[];
  series: BarSeries[];
  yLabel: string;
  /** Formats the value printed above each bar. */
  format?: (value: number) => string;
}

export interface LineSeries {
  name: string;
  points: [number, number][];
  color?: string;
  dashed?: boolean;
}

export interface Marker {
  x: number;
  label: string;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  series: LineSeries[];
  markers?: Marker[];
  xLabel: string;
  yLabel: string;
  xMax?: number;
  yMax?: number;
}

export function barChart(options: BarChartOptions): string {
  const format = options.format ?? ((v: number) => formatNumber(v));
  const plot = plotArea();
  const top = Math.max(...options.series.flatMap((s) => s.values.filter(Number.isFinite)), 0);
  const ticks = niceTicks(0, top * 1.12 || 1);
  const yMax = ticks[ticks.length - 1];
  const y = (v: number) => plot.y + plot.height - (v / yMax) * plot.height;
  const groupWidth = plot.width / options.categories.length;
  const barWidth = Math.min(56, (groupWidth * 0.76) / options.series.length);
  const parts: string[] = [frame(options.title, options.subtitle), yAxis(ticks, y, plot, options.yLabel)];
  options.categories.forEach((category, ci) => {
    const groupStart = plot.x + ci * groupWidth + (groupWidth - barWidth * options.series.length) / 2;
    options.series.forEach((series, si) => {
      const value = series.values[ci];
      if (!Number.isFinite(value)) return;
      const x = groupStart + si * barWidth;
      const color = PALETTE[si % PALETTE.length];
      parts.push(
        `<rect x="${f(x + 2)}" y="${f(y(value))}" width="${f(barWidth - 4)}" height="${f(plot.y + plot.height - y(value))}" fill="${color}" rx="2"/>`,
      );
      const labelY = y(value) - 5;
      parts.push(text(x + barWidth / 2, labelY, format(value), { size: 11, anchor: "middle", fill: "#1e293b" }));
    });
    parts.push(text(plot.x + ci * groupWidth + groupWidth / 2, plot.y + plot.height + 20, category, { size: 13, anchor: "middle" }));
  });
  parts.push(legend(options.series.map((s, i) => ({ name: s.name, color: PALETTE[i % PALETTE.length] }))));
  return svg(parts);
}

export function lineChart(options: LineChartOptions): string {
  const plot = plotArea();
  const xs = options.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = options.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const xTicks = niceTicks(0, options.xMax ?? Math.max(...xs, 1));
  const yTicks = niceTicks(0, options.yMax ?? (Math.max(...ys, 0) * 1.1 || 1));
  const xMax = xTicks[xTicks.length - 1];
  const yMax = yTicks[yTicks.length - 1];
  const x = (v: number) => plot.x + (v / xMax) * plot.width;
  const y = (v: number) => plot.y + plot.height - (Math.min(v, yMax) / yMax) * plot.height;
  const parts: string[] = [frame(options.title, options.subtitle), yAxis(yTicks, y, plot, options.yLabel)];
  for (const tick of xTicks) {
    parts.push(
      `<line x1="${f(x(tick))}" y1="${f(plot.y + plot.height)}" x2="${f(x(tick))}" y2="${f(plot.y + plot.height + 5)}" stroke="#64748b"/>`,
      text(x(tick), plot.y + plot.height + 19, formatNumber(tick), { size: 12, anchor: "middle", fill: "#475569" }),
    );
  }
  parts.push(text(plot.x + plot.width / 2, HEIGHT - 14, options.xLabel, { size: 13, anchor: "middle" }));
  for (const marker of options.markers ?? []) {
    const mx = x(marker.x);
    parts.push(
      `<line x1="${f(mx)}" y1="${f(plot.y)}" x2="${f(mx)}" y2="${f(plot.y + plot.height)}" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      text(mx + 4, plot.y + 12, marker.label, { size: 12, fill: "#b91c1c", weight: 600 }),
    );
  }
  options.series.forEach((series, i) => {
    const color = series.color ?? PALETTE[i % PALETTE.length];
    const d = series.points
      .filter((p) => Number.isFinite(p[1]))
      .map((p, j) => `${j === 0 ? "M" : "L"}${f(x(p[0]))},${f(y(p[1]))}`)
      .join(" ");
    parts.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"${series.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
  });
  parts.push(legend(options.series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length] }))));
  return svg(parts);
}

function plotArea() {
  return { x: MARGIN.left, y: MARGIN.top, width: WIDTH - MARGIN.left - MARGIN.right, height: HEIGHT - MARGIN.top - MARGIN.bottom };
}

function frame(title: string, subtitle?: string): string {
  return [
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff" rx="6"/>`,
    text(MARGIN.left, 26, title, { size: 17, weight: 600, fill: "#0f172a" }),
    subtitle ? text(MARGIN.left, 45, subtitle, { size: 12, fill: "#475569" }) : "",
  ].join("\n");
}

function yAxis(ticks: number[], y: (v: number) => number, plot: ReturnType<typeof plotArea>, label: string): string {
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${f(plot.x)}" y1="${f(y(tick))}" x2="${f(plot.x + plot.width)}" y2="${f(y(tick))}" stroke="${tick === 0 ? "#64748b" : "#e2e8f0"}"/>`,
      text(plot.x - 8, y(tick) + 4, formatNumber(tick), { size: 12, anchor: "end", fill: "#475569" }),
    );
  }
  const cy = plot.y + plot.height / 2;
  parts.push(
    `<line x1="${f(plot.x)}" y1="${f(plot.y)}" x2="${f(plot.x)}" y2="${f(plot.y + plot.height)}" stroke="#64748b"/>`,
    `<text x="18" y="${f(cy)}" transform="rotate(-90 18 ${f(cy)})" text-anchor="middle" font-size="13" fill="#334155" ${FONT}>${escape(label)}</text>`,
  );
  return parts.join("\n");
}

/** One row under the subtitle, left-aligned with the plot: never collides with the title. */
function legend(items: { name: string; color: string }[]): string {
  let x = MARGIN.left;
  const parts: string[] = [];
  for (const item of items) {
    parts.push(`<rect x="${f(x)}" y="57" width="12" height="12" rx="2" fill="${item.color}"/>`, text(x + 17, 67, item.name, { size: 12 }));
    x += 34 + item.name.length * 7;
  }
  return parts.join("\n");
}

function svg(parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">\n${parts.filter(Boolean).join("\n")}\n</svg>\n`;
}

function text(
  x: number,
  y: number,
  value: string,
  style: { size?: number; anchor?: "start" | "middle" | "end"; fill?: string; weight?: number } = {},
): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${style.size ?? 12}" text-anchor="${style.anchor ?? "start"}" fill="${style.fill ?? "#334155"}"${style.weight ? ` font-weight="${style.weight}"` : ""} ${FONT}>${escape(value)}</text>`;
}

/** Ticks at 1, 2 or 5 times a power of ten, covering [min, max], about six of them. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => span / s <= count) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 10_000) return `${formatNumber(value / 1000)}k`;
  if (abs >= 100) return String(Math.round(value));
  if (abs >= 10) return value.toFixed(1).replace(/\.0$/, "");
  return value.toFixed(2).replace(/\.?0+$/, "");
}

const f = (n: number) => (Math.round(n * 10) / 10).toString();

function escape(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
