// The checker of `npm run verify`: a pure function from a recorded history
// (verify/history.ts) to anomalies, each with its kind and the op ids involved.
// It imports nothing from the shop (lib/, packages/): it judges the session
// store from the outside, by what clients sent and what they were told.
//
// The model (every rule errs towards passing: an anomaly is only reported when
// no execution consistent with the history could explain what was observed):
//
// 1. Outcomes. 2xx: the request took effect (once). 4xx: it did not (409
//    session_rotated, 422 limit, 401 ...). Timeouts, lost connections and 5xx
//    are unknown: the change may have been applied, once, at any moment from
//    its invocation until `maxInFlightMs` after it, or never.
// 2. Lineages. A visitor's cart lives in a lineage of session ids: it starts
//    empty with the id from the first page view (or after a sign-out), a
//    sign-in adds the rotated id to the same lineage (the cart is kept), a
//    sign-out ends it (the next lineage starts empty), a checkout empties the
//    cart. A sign-in or sign-out with an unknown outcome abandons the lineage:
//    its final cart is not compared (the client starts over as a new visitor).
// 3. Logical changes. All attempts of one Idempotency-Key within a lineage are
//    one change, applied at most once, somewhere between the first attempt's
//    invocation and the first acknowledgement (unknown: any time later, or
//    never). An add is relative (+n), a quantity change absolute (= n, 0
//    removes), a checkout observes the cart into its order and empties it.
//    A 2xx sent with a rotated-away id, or one that minted a new id, is
//    reported (rules 6, 7) and counted as "may have applied" here, so one bug
//    is not reported twice.
// 4. Per product, the checker searches every order of the changes that real
//    time allows (a change acknowledged before another was invoked comes
//    first; concurrent ones and unknown ones in any order), with every subset
//    of the unknown ones, and asks: is each read's quantity (read-your-writes:
//    a read sees every change acknowledged before it started, on any node),
//    each order's line and the final cart's quantity possible? If not:
//    above every possible value: duplicate (something applied twice); below:
//    stale-read for a read, lost-update for an order line or the final cart.
//    After an anomaly the search goes on from both the expected and the
//    observed value, so one fault is reported once, where it first shows.
// 5. phantom: a product in a read, an order or the final cart of a lineage in
//    which no client ever added or set it; an order of a user that no
//    acknowledged or unknown checkout of this run can explain.
// 6. resurrection: a 2xx for a request (read, add, set, checkout) sent with an
//    id after that id's sign-in or sign-out rotation was acknowledged (within
//    `staleWindowMs`, the window in which the shop promises a 409).
// 7. forked-session: a response to anything but sign-in/sign-out that sets a
//    session cookie other than the one sent (a visitor holding a session is
//    moved to another; covers concurrent first changes after the first page
//    view, and requests in flight across a sign-in). Two acknowledged attempts
//    of one checkout key with different order ids are a duplicate.
import type { FinalEvent, History, Line, Op, OrderListing } from "./history";

export type AnomalyKind = "lost-update" | "duplicate" | "phantom" | "resurrection" | "stale-read" | "forked-session";

export const ANOMALY_KINDS: AnomalyKind[] = ["lost-update", "duplicate", "phantom", "resurrection", "stale-read", "forked-session"];

export interface Anomaly {
  kind: AnomalyKind;
  /** Op ids involved (the observing op last where there is one). */
  ops: number[];
  client?: string;
  productId?: number;
  message: string;
}

export interface CheckOptions {
  /** How long after a rotation a request with the old id must be refused. */
  staleWindowMs?: number;
  /** Latest moment after its invocation an unknown request may still take effect. */
  maxInFlightMs?: number;
  /** Search budget per lineage and product; beyond it the product counts as unchecked (never as an anomaly). */
  maxStates?: number;
}

export interface CheckStats {
  lineages: number;
  lineagesWithFinal: number;
  abandonedLineages: number;
  productsChecked: number;
  productsUnchecked: number;
  logicalChanges: number;
  unknownChanges: number;
  observations: number;
}

export interface CheckResult {
  valid: boolean;
  anomalies: Anomaly[];
  stats: CheckStats;
}

interface Lineage {
  index: number;
  client: string;
  sids: Set<string>;
  abandoned: boolean;
  ended: boolean;
  ops: Op[];
  final?: FinalEvent;
}

type ItemKind = "add" | "set" | "clear" | "observe" | "observe-clear" | "final";

interface Item {
  kind: ItemKind;
  amount: number;
  start: number;
  /** Must be placed by then (Infinity: may never happen). */
  end: number;
  /** A change that may apply is forgotten after this moment. */
  expire: number;
  must: boolean;
  opIds: number[];
  servedBy?: string;
}

const API_KINDS = new Set(["read", "add", "set", "checkout"]);
const AUTH_KINDS = new Set(["signin", "signout"]);

export function checkHistory(history: History, options: CheckOptions = {}): CheckResult {
  const staleWindowMs = options.staleWindowMs ?? 55_000;
  const maxInFlightMs = options.maxInFlightMs ?? 120_000;
  const maxStates = options.maxStates ?? 100_000;
  const anomalies: Anomaly[] = [];
  const stats: CheckStats = {
    lineages: 0, lineagesWithFinal: 0, abandonedLineages: 0, productsChecked: 0, productsUnchecked: 0,
    logicalChanges: 0, unknownChanges: 0, observations: 0,
  };

  const ops = [...history.ops].sort((a, b) => a.invokeMono - b.invokeMono || a.id - b.id);
  const rotatedAway = new Map<string, { at: number; op: Op }>();
  for (const op of ops) {
    const ended = op.f === "signout" && op.setSid === null;
    if (AUTH_KINDS.has(op.f) && op.outcome === "ok" && op.sid && (ended || (op.setSid && op.setSid !== op.sid))) {
      rotatedAway.set(op.sid, { at: op.completeMono, op });
    }
  }
  const isStale = (op: Op) => {
    const rotation = op.sid ? rotatedAway.get(op.sid) : undefined;
    return rotation !== undefined && op.invokeMono > rotation.at;
  };
  const isForked = (op: Op) => !AUTH_KINDS.has(op.f) && op.outcome === "ok" && !!op.sid && typeof op.setSid === "string" && op.setSid !== op.sid;

  for (const op of ops) {
    const rotation = op.sid ? rotatedAway.get(op.sid) : undefined;
    if (rotation && API_KINDS.has(op.f) && op.outcome === "ok" && op.invokeMono > rotation.at && op.invokeMono - rotation.at <= staleWindowMs) {
      anomalies.push({
        kind: "resurrection",
        ops: [rotation.op.id, op.id],
        client: op.client,
        message: `${op.f} (op ${op.id}, ${op.servedBy ?? "?"}) was answered ${op.status} with an id that ${rotation.op.f} (op ${rotation.op.id}) had rotated away ${Math.round(op.invokeMono - rotation.at)} ms before${op.setSid ? " (and got a new session)" : ""}`,
      });
    } else if (isForked(op)) {
      anomalies.push({
        kind: "forked-session",
        ops: [op.id],
        client: op.client,
        message: `${op.f} (op ${op.id}, ${op.servedBy ?? "?"}) sent session ${op.sid} and was moved to a new session ${op.setSid}`,
      });
    }
  }

  const lineages = buildLineages(ops, history.finals, anomalies);
  stats.lineages = lineages.length;

  const classify = (op: Op): "definite" | "maybe" | "none" => {
    if (op.outcome === "ok") return isStale(op) || isForked(op) ? "maybe" : "definite";
    if (op.outcome === "unknown") return "maybe";
    return op.status === undefined || op.status >= 500 ? "maybe" : "none";
  };
  const maybeExpiry = (op: Op) => (op.outcome === "ok" ? op.completeMono : op.invokeMono + maxInFlightMs);

  for (const lineage of lineages) {
    if (lineage.abandoned) stats.abandonedLineages += 1;
    if (lineage.final) stats.lineagesWithFinal += 1;
    const byProduct = new Map<number, Item[]>();
    const itemsOf = (productId: number) => {
      let list = byProduct.get(productId);
      if (!list) byProduct.set(productId, (list = []));
      return list;
    };
    const writers = new Set<number>();
    const shared: { make: (productId: number) => Item | null }[] = [];

    const groups = new Map<string, Op[]>();
    for (const op of lineage.ops) {
      if (op.f !== "add" && op.f !== "checkout") continue;
      const id = op.key ? `${op.f}:${op.key}` : `${op.f}#${op.id}`;
      const group = groups.get(id);
      if (group) group.push(op);
      else groups.set(id, [op]);
    }
    const logical = (attempts: Op[]) => {
      const kinds = attempts.map(classify);
      const definite = attempts.filter((_, i) => kinds[i] === "definite");
      const maybe = attempts.filter((_, i) => kinds[i] === "maybe");
      if (definite.length === 0 && maybe.length === 0) return null;
      const start = Math.min(...attempts.map((op) => op.invokeMono));
      const must = definite.length > 0;
      stats.logicalChanges += 1;
      if (!must) stats.unknownChanges += 1;
      return {
        must,
        start,
        end: must ? Math.min(...definite.map((op) => op.completeMono)) : Infinity,
        expire: must ? Infinity : Math.max(...maybe.map(maybeExpiry)),
        opIds: attempts.map((op) => op.id),
        definite,
      };
    };

    for (const attempts of groups.values()) {
      const first = attempts[0]!;
      const change = logical(attempts);
      if (first.f === "add") {
        if (first.productId === undefined || first.quantity === undefined) continue;
        writers.add(first.productId);
        if (!change) continue;
        itemsOf(first.productId).push({ kind: "add", amount: first.quantity, ...pick(change), servedBy: change.definite[0]?.servedBy });
        continue;
      }
      // A checkout: one order id per key, its lines observed from the final listing.
      const orderIds = [...new Set(change?.definite.map((op) => op.orderId).filter((id): id is number => id !== undefined) ?? [])];
      if (orderIds.length > 1) {
        anomalies.push({
          kind: "duplicate",
          ops: attempts.map((op) => op.id),
          client: lineage.client,
          message: `checkout key ${first.key} was acknowledged with ${orderIds.length} different orders: ${orderIds.join(", ")}`,
        });
      }
      if (!change) continue;
      const listing = first.user ? history.finalOrders.get(first.user) : undefined;
      let order: OrderListing | undefined;
      if (change.must && orderIds.length === 1 && listing) {
        order = listing.find((candidate) => candidate.id === orderIds[0]);
        if (!order) {
          anomalies.push({
            kind: "lost-update",
            ops: change.definite.map((op) => op.id),
            client: lineage.client,
            message: `checkout (key ${first.key}) was acknowledged with order ${orderIds[0]}, which ${first.user}'s final order list does not have`,
          });
        }
      }
      if (order) for (const line of order.lines) itemsOf(line.productId);
      shared.push({
        make: (productId) => {
          if (!order) return { kind: "clear", amount: 0, ...pick(change) };
          const line = order.lines.find((candidate) => candidate.productId === productId);
          return { kind: "observe-clear", amount: line?.quantity ?? 0, ...pick(change), servedBy: change.definite[0]?.servedBy };
        },
      });
    }

    for (const op of lineage.ops) {
      if (op.f === "set" && op.productId !== undefined && op.quantity !== undefined) {
        writers.add(op.productId);
        const change = logical([op]);
        if (change) itemsOf(op.productId).push({ kind: "set", amount: op.quantity, ...pick(change), servedBy: op.servedBy });
      }
      if (op.f === "read" && op.cart && classify(op) === "definite") {
        stats.observations += 1;
        for (const line of op.cart) itemsOf(line.productId);
        const cart = op.cart;
        shared.push({
          make: (productId) => ({
            kind: "observe",
            amount: quantityOf(cart, productId),
            start: op.invokeMono,
            end: op.completeMono,
            expire: Infinity,
            must: true,
            opIds: [op.id],
            servedBy: op.servedBy,
          }),
        });
      }
    }
    const finalCart = lineage.final?.cart;
    if (finalCart) for (const line of finalCart) itemsOf(line.productId);

    for (const [productId, own] of byProduct) {
      const items = [...own, ...shared.map((entry) => entry.make(productId)).filter((item): item is Item => item !== null)];
      if (finalCart && lineage.final) {
        const at = lineage.final.mono;
        items.push({ kind: "final", amount: quantityOf(finalCart, productId), start: at, end: at, expire: Infinity, must: true, opIds: [] });
      }
      if (!writers.has(productId)) {
        const seen = items.filter((item) => (item.kind === "observe" || item.kind === "observe-clear" || item.kind === "final") && item.amount > 0);
        if (seen.length > 0) {
          anomalies.push({
            kind: "phantom",
            ops: seen.flatMap((item) => item.opIds),
            client: lineage.client,
            productId,
            message: `product ${productId} appeared (${seen.map((item) => `${item.kind} ${item.amount}`).join(", ")}) in a cart no client of this lineage added it to`,
          });
        }
        continue;
      }
      const verdict = searchProduct(items, maxStates);
      if (verdict === "unchecked") {
        stats.productsUnchecked += 1;
        continue;
      }
      stats.productsChecked += 1;
      for (const failure of verdict) anomalies.push(describeFailure(failure, items, lineage, productId));
    }
  }

  anomalies.push(...checkOrders(history, ops));
  return { valid: anomalies.length === 0, anomalies, stats };
}

function pick(change: { must: boolean; start: number; end: number; expire: number; opIds: number[] }) {
  return { must: change.must, start: change.start, end: change.end, expire: change.expire, opIds: change.opIds };
}

function quantityOf(lines: Line[], productId: number): number {
  return lines.filter((line) => line.productId === productId).reduce((sum, line) => sum + line.quantity, 0);
}

function buildLineages(ops: Op[], finals: FinalEvent[], anomalies: Anomaly[]): Lineage[] {
  const lineages: Lineage[] = [];
  const bySid = new Map<string, Lineage>();
  const start = (client: string, sid: string) => {
    const lineage: Lineage = { index: lineages.length, client, sids: new Set([sid]), abandoned: false, ended: false, ops: [] };
    lineages.push(lineage);
    bySid.set(sid, lineage);
  };
  for (const op of ops) {
    if (!op.sid) {
      if ((op.f === "page" || op.f === "read") && op.outcome === "ok" && op.setSid && !bySid.has(op.setSid)) start(op.client, op.setSid);
      continue;
    }
    if (!AUTH_KINDS.has(op.f)) continue;
    const lineage = bySid.get(op.sid);
    if (!lineage) continue;
    const indeterminate = op.outcome === "unknown" || (op.outcome === "fail" && (op.status === undefined || op.status >= 500));
    if (indeterminate) {
      lineage.abandoned = true;
      continue;
    }
    if (op.outcome === "ok" && op.f === "signout" && op.setSid === null) {
      lineage.ended = true;
      continue;
    }
    if (op.outcome !== "ok" || !op.setSid || op.setSid === op.sid) continue;
    if (op.f === "signin") {
      lineage.sids.add(op.setSid);
      bySid.set(op.setSid, lineage);
    } else {
      lineage.ended = true;
      if (!bySid.has(op.setSid)) start(op.client, op.setSid);
    }
  }
  for (const op of ops) {
    const lineage = op.sid ? bySid.get(op.sid) : undefined;
    if (lineage && lineage.client === op.client) lineage.ops.push(op);
  }
  for (const final of finals) {
    if (!final.sid || !final.cart) continue;
    if (typeof final.setSid === "string" && final.setSid !== final.sid) {
      anomalies.push({ kind: "forked-session", ops: [], client: final.client, message: `the final read of ${final.client} sent session ${final.sid} and was moved to ${final.setSid}` });
      continue;
    }
    const lineage = bySid.get(final.sid);
    if (lineage && lineage.client === final.client && !lineage.ended && !lineage.abandoned) lineage.final = final;
  }
  return lineages;
}

interface Failure {
  item: number;
  possible: number[];
}

interface State {
  v: number;
  pending: number[];
}

const keyOf = (state: State) => `${state.v}|${state.pending.join(",")}`;

function apply(item: Item, v: number): number | null {
  switch (item.kind) {
    case "add":
      return v + item.amount;
    case "set":
      return item.amount;
    case "clear":
      return 0;
    case "observe":
    case "final":
      return v === item.amount ? v : null;
    case "observe-clear":
      return v === item.amount ? 0 : null;
  }
}

/**
 * Sweeps the items' windows in time order, keeping every reachable
 * (quantity, not-yet-placed items) state. Returns the observations that no
 * state could satisfy, or "unchecked" when the search grew past `maxStates`.
 */
function searchProduct(items: Item[], maxStates: number): Failure[] | "unchecked" {
  type Event = { at: number; order: number; item: number; what: "start" | "force" | "expire" };
  const events: Event[] = [];
  items.forEach((item, index) => {
    events.push({ at: item.start, order: 0, item: index, what: "start" });
    if (item.must) events.push({ at: item.end, order: 1, item: index, what: "force" });
    else if (Number.isFinite(item.expire)) events.push({ at: item.expire, order: 2, item: index, what: "expire" });
  });
  events.sort((a, b) => a.at - b.at || a.order - b.order || a.item - b.item);
  let states: State[] = [{ v: 0, pending: [] }];
  const failures: Failure[] = [];

  const closure = (from: State[]): State[] | null => {
    const seen = new Map<string, State>();
    const queue: State[] = [];
    for (const state of from) {
      const key = keyOf(state);
      if (!seen.has(key)) {
        seen.set(key, state);
        queue.push(state);
      }
    }
    while (queue.length > 0) {
      const state = queue.pop()!;
      for (const index of state.pending) {
        const v = apply(items[index]!, state.v);
        if (v === null) continue;
        const next = { v, pending: state.pending.filter((other) => other !== index) };
        const key = keyOf(next);
        if (seen.has(key)) continue;
        seen.set(key, next);
        queue.push(next);
        if (seen.size > maxStates) return null;
      }
    }
    return [...seen.values()];
  };
  const dedupe = (list: State[]) => [...new Map(list.map((state) => [keyOf(state), state])).values()];

  for (const event of events) {
    if (event.what === "start") {
      states = states.map((state) => ({ v: state.v, pending: [...state.pending, event.item].sort((a, b) => a - b) }));
      continue;
    }
    if (event.what === "expire") {
      // It may still have taken effect up to now; from here on it never does.
      const reachable = closure(states);
      if (!reachable) return "unchecked";
      states = dedupe(reachable.map((state) => ({ v: state.v, pending: state.pending.filter((index) => index !== event.item) })));
      continue;
    }
    const reachable = closure(states);
    if (!reachable) return "unchecked";
    const placed = reachable.filter((state) => !state.pending.includes(event.item));
    if (placed.length > 0) {
      states = placed;
      continue;
    }
    const possible = [...new Set(reachable.map((state) => state.v))].sort((a, b) => a - b);
    failures.push({ item: event.item, possible });
    // Go on from both the expected values and the value seen (a change applied twice stays applied twice, a lost
    // one stays lost), so one fault is reported once, where it first shows, not at every observation after it.
    // A checkout whose order is known did empty the cart, whatever its lines say.
    const emptied = items[event.item]!.kind === "observe-clear";
    const skipped = reachable.map((state) => ({ v: emptied ? 0 : state.v, pending: state.pending.filter((index) => index !== event.item) }));
    const seen = items[event.item]!.amount;
    const resynced = emptied ? [] : skipped.map((state) => ({ v: seen, pending: state.pending }));
    states = dedupe([...skipped, ...resynced]);
  }
  return failures;
}

function describeFailure(failure: Failure, items: Item[], lineage: Lineage, productId: number): Anomaly {
  const item = items[failure.item]!;
  const max = failure.possible.length > 0 ? failure.possible[failure.possible.length - 1]! : 0;
  const tooMany = item.amount > max;
  const what = item.kind === "observe" ? `read (op ${item.opIds[0]}, ${item.servedBy ?? "?"})` : item.kind === "final" ? "the final cart" : `the order of checkout ops ${item.opIds.join(",")}`;
  const writes = items.filter((other) => (other.kind === "add" || other.kind === "set") && other.start < item.end);
  let kind: AnomalyKind;
  let involved: Item[];
  if (tooMany) {
    kind = "duplicate";
    const retried = writes.filter((other) => other.kind === "add" && other.opIds.length > 1);
    involved = retried.length > 0 ? retried : writes.filter((other) => other.kind === "add");
  } else {
    kind = item.kind === "observe" ? "stale-read" : "lost-update";
    const lastClear = Math.max(-Infinity, ...items.filter((other) => (other.kind === "observe-clear" || other.kind === "clear") && other.must && other.end < item.start).map((other) => other.end));
    involved = writes.filter((other) => other.must && other.end > lastClear && other.end < item.start);
  }
  const ids = [...new Set([...involved.slice(-12).flatMap((other) => other.opIds), ...item.opIds])];
  const writesOn = [...new Set(involved.map((other) => other.servedBy).filter(Boolean))];
  return {
    kind,
    ops: ids,
    client: lineage.client,
    productId,
    message: `${what} has ${item.amount} of product ${productId}; possible: ${failure.possible.join(", ") || "none"}${writesOn.length > 0 && item.kind === "observe" ? ` (written through ${writesOn.join(", ")})` : ""}`,
  };
}

/** Orders no checkout of this run can explain: more new orders per user than acknowledged plus unknown checkouts. */
function checkOrders(history: History, ops: Op[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const [user, listing] of history.finalOrders) {
    const baseline = new Set((history.baselineOrders.get(user) ?? []).map((order) => order.id));
    const checkouts = ops.filter((op) => op.f === "checkout" && op.user === user);
    const acked = new Set(checkouts.filter((op) => op.outcome === "ok" && op.orderId !== undefined).map((op) => op.orderId!));
    const keys = new Map<string, Op[]>();
    for (const op of checkouts) keys.set(op.key ?? `#${op.id}`, [...(keys.get(op.key ?? `#${op.id}`) ?? []), op]);
    const unknownKeys = [...keys.values()].filter(
      (attempts) => !attempts.some((op) => op.outcome === "ok") && attempts.some((op) => op.outcome === "unknown" || op.status === undefined || op.status >= 500),
    );
    const unexplained = listing.filter((order) => !baseline.has(order.id) && !acked.has(order.id));
    if (unexplained.length > unknownKeys.length) {
      anomalies.push({
        kind: "phantom",
        ops: unknownKeys.flatMap((attempts) => attempts.map((op) => op.id)),
        message: `${user} has ${unexplained.length} new order(s) no acknowledged checkout made (${unexplained.map((order) => order.id).join(", ")}) and only ${unknownKeys.length} checkout(s) of unknown outcome`,
      });
    }
  }
  return anomalies;
}
