// Where the local cluster uses unix sockets instead of TCP on loopback (issue
// 14): a database URL's ?socket= becomes the driver's socketPath, the cluster
// hands the web nodes such URLs, and a path too long for a unix socket falls
// back to TCP instead of failing.
import { describe, expect, it } from "vitest";
import { localDbUrl } from "@/cluster/galera";
import { socketPathFits, webSocketPath } from "@/cluster/layout";
import type { DbNodeState } from "@/cluster/state";
import { connectionConfigFromUrl } from "@/lib/db/database";

describe("unix sockets on this machine", () => {
  it("?socket= in a database URL connects over that socket; without it, over TCP", () => {
    const viaSocket = connectionConfigFromUrl("mariadb://shop:pw@127.0.0.1:3311/shop?socket=%2Fwork%2F.cluster%2Fdb-1%2Fmariadb.sock");
    expect(viaSocket).toMatchObject({ socketPath: "/work/.cluster/db-1/mariadb.sock", user: "shop", database: "shop" });
    const viaTcp = connectionConfigFromUrl("mariadb://shop:pw@127.0.0.1:3311/shop");
    expect(viaTcp.socketPath).toBeUndefined();
    expect(viaTcp).toMatchObject({ host: "127.0.0.1", port: 3311 });
  });

  it("the cluster gives a node's URL its socket, and the URL still names the node's TCP endpoint", () => {
    const node = { name: "db-1", port: 3311, url: "mariadb://shop:pw@127.0.0.1:3311/shop" } as DbNodeState;
    const url = new URL(localDbUrl(node));
    expect(url.searchParams.get("socket")).toMatch(/\/\.cluster\/db-1\/mariadb\.sock$/);
    expect(`${url.hostname}:${url.port}`).toBe("127.0.0.1:3311");
  });

  it("a socket path too long for sun_path (108 bytes) is not used: TCP instead", () => {
    expect(socketPathFits("/work/main/.cluster/sockets/web-1.sock")).toBe(true);
    expect(socketPathFits(`/${"d".repeat(120)}/web-1.sock`)).toBe(false);
    expect(webSocketPath("web-1")).toMatch(/\/\.cluster\/sockets\/web-1\.sock$/);
  });
});
