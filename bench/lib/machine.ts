// What the benchmark ran on: recorded with every result, since absolute
// figures on a shared 2-core machine mean little without it.
import { readFileSync } from "node:fs";
import os from "node:os";
import { createConnection } from "mariadb";
import { connectionConfigFromUrl } from "./sql";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  mariadb: string;
  galera: string | null;
  loadAverageAtStart: number[];
}

export async function describeMachine(dbUrl: string): Promise<MachineInfo> {
  const conn = await createConnection(connectionConfigFromUrl(dbUrl));
  let mariadb = "unknown";
  let galera: string | null = null;
  try {
    mariadb = String((await conn.query<{ v: string }[]>("SELECT VERSION() AS v"))[0].v);
    const rows = await conn.query<{ Value: string }[]>("SHOW STATUS LIKE 'wsrep_provider_version'");
    galera = rows[0]?.Value ? `${rows[0].Value}` : null;
  } finally {
    await conn.end();
  }
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osRelease(),
    node: process.version,
    mariadb,
    galera,
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

function osRelease(): string {
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    const name = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text)?.[1];
    return `${name ?? os.type()} (${os.release()})`;
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}
