import { describe, expect, it } from "vitest";
import { checkFormAction, checkMultipartReply, checkTextReply } from "@/lib/server-action-guard";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [k, v] of entries) data.append(k, v);
  return data;
};

describe("server action guard", () => {
  it.each(['[]', '[null,"$undefined"]', '["$$escaped", 1, {"a":"$D2026-01-01T00:00:00.000Z"}]', '["$n12"]'])("lets the text reply %s through", (body) => {
    expect(checkTextReply(body)).toBeNull();
  });

  it.each(["{{{", '{"a":1}', '"x"', '["$Q5"]', '["$@1"]', '[{"x":"$K1"}]', ""])("refuses the text reply %j", (body) => {
    expect(checkTextReply(body)?.status).toBe(400);
  });

  it("lets a FormData argument through and refuses references to missing parts", () => {
    expect(checkMultipartReply(form([["0", '[null,"$K1"]'], ["_1_productId", "4"]]))).toBeNull();
    expect(checkMultipartReply(form([["0", '[null,"$Q2"]'], ["2", "[]"]]))).toBeNull();
    expect(checkMultipartReply(form([["0", '[null,"$K9"]']]))?.status).toBe(400);
    expect(checkMultipartReply(form([["0", "[nul"]]))?.status).toBe(400);
    expect(checkMultipartReply(form([["_1_productId", "4"]]))?.status).toBe(400);
  });

  it("checks a no-JS form's bound action", () => {
    const ok = form([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"id":"abc","bound":"$@1"}'], ["$ACTION_1:1", "[null]"], ["productId", "4"]]);
    expect(checkFormAction(ok)).toBeNull();
    expect(checkFormAction(form([["$ACTION_REF_1", ""]]))?.status).toBe(400);
    expect(checkFormAction(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", "{oops"]]))?.status).toBe(400);
    expect(checkFormAction(form([["$ACTION_REF_1", ""], ["$ACTION_1:0", '{"bound":1}']]))?.status).toBe(400);
    expect(checkFormAction(form([["a", "1"]]))).toBeNull();
  });
});
