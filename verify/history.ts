// The history format of `npm run verify`: one JSON object per line, written
// while the run goes (invoke before the request leaves, its completion when it
// ends) and folded here into operations for the checker. Owns nothing else:
// no HTTP, no database, no imports from the shop (the checker must stand apart
// from the code it judges). Session ids never appear: only a salted hash.
import { createHash } from "node:crypto";

export type OpKind = "page" | "read" | "add" | "set" | "signin" | "signout" | "checkout";
export type Outcome = "ok" | "fail" | "unknown";
export type FaultKind = "kill-web" | "kill-db" | "pause-db" | "partition-db" | "skew-web" | "restart-web" | "restart-db";

export interface Line {
  productId: number;
  quantity: number;
}

export interface InvokeEvent {
  type: "invoke";
  op: number;
  client: string;
  f: OpKind;
  /** Idempotency-Key of an add or a checkout; attempts of one logical change share it. */
  key?: string;
  productId?: number;
  /** add: how many to add; set: the absolute quantity. */
  quantity?: number;
  /** Which attempt of this key (0 = first). */
  attempt?: number;
  /** The workload meant to send a rotated-away cookie (the checker decides on its own). */
  stale?: boolean;
  /** A deliberate replay of an earlier, acknowledged key. */
  replay?: boolean;
  /** The signed-in user this request acts for (sign-in: the one signing in). */
  user?: string;
  /** Fingerprint of the session cookie sent (none: no cookie). */
  sid?: string;
  wall: number;
  mono: number;
}

export interface CompleteEvent {
  type: Outcome;
  op: number;
  status?: number;
  /** error.code of a JSON error body. */
  code?: string;
  servedBy?: string;
  /** Fingerprint of a session cookie the response set (null: it deleted it). */
  setSid?: string | null;
  /** Cart lines in the response (reads, adds, sets). */
  cart?: Line[];
  orderId?: number;
  error?: string;
  wall: number;
  mono: number;
}

export interface FaultEvent {
  type: "fault";
  phase: "start" | "end";
  fault: FaultKind;
  target: string;
  detail?: string;
  wall: number;
  mono: number;
}

export interface FinalEvent {
  type: "final";
  client: string;
  sid?: string;
  cart: Line[] | null;
  servedBy?: string;
  setSid?: string | null;
  wall: number;
  mono: number;
}

export interface OrderListing {
  id: number;
  lines: Line[];
}

export interface OrdersEvent {
  type: "orders";
  phase: "baseline" | "final";
  user: string;
  orders: OrderListing[] | null;
  wall: number;
  mono: number;
}

export interface MetaEvent {
  type: "meta";
  schedule: string;
  seed: number;
  clients: number;
  products: number[];
  startedAt: string;
  wall: number;
  mono: number;
}

export type HistoryEvent = InvokeEvent | CompleteEvent | FaultEvent | FinalEvent | OrdersEvent | MetaEvent;

/** One request: its invocation and, when it ended, its completion (unknown = timed out or connection lost). */
export interface Op extends Omit<InvokeEvent, "type" | "op" | "wall" | "mono"> {
  id: number;
  invokeMono: number;
  invokeWall: number;
  completeMono: number;
  completeWall: number;
  outcome: Outcome;
  status?: number;
  code?: string;
  servedBy?: string;
  setSid?: string | null;
  cart?: Line[];
  orderId?: number;
  error?: string;
}

export interface Fault {
  fault: FaultKind;
  target: string;
  detail?: string;
  startMono: number;
  startWall: number;
  endMono: number | null;
  endWall: number | null;
}

export interface History {
  meta: MetaEvent | null;
  ops: Op[];
  faults: Fault[];
  finals: FinalEvent[];
  baselineOrders: Map<string, OrderListing[]>;
  finalOrders: Map<string, OrderListing[]>;
}

/** Folds events into operations. An invoke without completion (the run died) is unknown. */
export function foldHistory(events: HistoryEvent[]): History {
  const history: History = { meta: null, ops: [], faults: [], finals: [], baselineOrders: new Map(), finalOrders: new Map() };
  const open = new Map<number, Op>();
  const openFaults = new Map<string, Fault>();
  for (const event of events) {
    switch (event.type) {
      case "meta":
        history.meta = event;
        break;
      case "invoke": {
        const { type: _type, op, wall, mono, ...rest } = event;
        const record: Op = { ...rest, id: op, invokeMono: mono, invokeWall: wall, completeMono: Infinity, completeWall: Infinity, outcome: "unknown" };
        open.set(op, record);
        history.ops.push(record);
        break;
      }
      case "ok":
      case "fail":
      case "unknown": {
        const record = open.get(event.op);
        if (!record) break;
        open.delete(event.op);
        record.outcome = event.type;
        record.completeMono = event.type === "unknown" ? Infinity : event.mono;
        record.completeWall = event.type === "unknown" ? Infinity : event.wall;
        for (const field of ["status", "code", "servedBy", "setSid", "cart", "orderId", "error"] as const) {
          if (event[field] !== undefined) (record as unknown as Record<string, unknown>)[field] = event[field];
        }
        break;
      }
      case "fault": {
        const id = `${event.fault}@${event.target}`;
        if (event.phase === "start") {
          const fault: Fault = { fault: event.fault, target: event.target, detail: event.detail, startMono: event.mono, startWall: event.wall, endMono: null, endWall: null };
          openFaults.set(id, fault);
          history.faults.push(fault);
        } else {
          const fault = openFaults.get(id);
          if (fault) {
            fault.endMono = event.mono;
            fault.endWall = event.wall;
            openFaults.delete(id);
          }
        }
        break;
      }
      case "final":
        history.finals.push(event);
        break;
      case "orders":
        if (event.orders) (event.phase === "baseline" ? history.baselineOrders : history.finalOrders).set(event.user, event.orders);
        break;
    }
  }
  return history;
}

export function parseHistoryText(text: string): History {
  const events = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as HistoryEvent);
  return foldHistory(events);
}

/** A session cookie's fingerprint for the history: salted, so it matches no stored key. */
export function sidFingerprint(salt: string, sid: string): string {
  return createHash("sha256").update(`${salt}:${sid}`).digest("hex").slice(0, 16);
}
