// `npm run cluster -- <command>`: the command line over cluster/index.ts.
// Progress goes to stderr, results (URL, status table, JSON) to stdout.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import {
  clusterDown,
  clusterReset,
  clusterStatus,
  clusterUp,
  ClusterError,
  deployDb,
  deployWeb,
  formatStatusTable,
  killNode,
  startNode,
  stopNode,
} from "./index";
import { paths } from "./layout";
import type { UpOptions } from "./state";

const usage = `usage: npm run cluster -- [command] [options]

commands:
  up                 build if needed, start Galera, web nodes and nginx; wait until healthy (default)
  status [--json]    every node with pid, port, up/down; the Galera view of database nodes
  kill <name>        SIGKILL a node (a crash): web-N, db-N or lb
  stop <name>        stop a node gracefully (a web node stops listening and drains; nginx moves on)
  start <name>       start a stopped node (a database node rejoins by IST/SST)
  logs <name> [--lines N] [--follow]
  deploy             build a new release while the old one serves, then roll every web node onto it:
                     drain (stop listening, finish open connections), start on the new release,
                     healthy, serving through nginx again (no nginx reload)
  deploy --db        rolling restart of the Galera nodes, each back to Synced before the next
  down               stop everything, keep the data
  reset              stop everything and delete .cluster/ (data, logs, secrets)

options for up:
  --web N            web nodes (default 3)
  --db N             database nodes (default: the existing cluster's, else 3; 1 = plain MariaDB)
  --port P           nginx port (default 8080)
  --idle-timeout S   SESSION_IDLE_TIMEOUT_SECONDS for every web node
  --env KEY=VALUE    extra environment for every web node (repeatable)
Options not given take their defaults: \`up\` without --idle-timeout restores the default timeout.`;

interface Parsed {
  command: string;
  names: string[];
  up: UpOptions;
  json: boolean;
  /** `deploy --db` (no number): the database tier. */
  dbTier: boolean;
  follow: boolean;
  lines: number;
}

function integer(flag: string, value: string | undefined): number {
  const number = Number(value);
  if (value === undefined || !Number.isInteger(number) || number < 0) throw new ClusterError(`${flag} needs a whole number`);
  return number;
}

function parse(argv: string[]): Parsed {
  const parsed: Parsed = { command: "up", names: [], up: {}, json: false, dbTier: false, follow: false, lines: 50 };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--web": parsed.up.web = integer(flag, value()); break;
      case "--db":
        if (inline === undefined && !/^\d+$/.test(argv[i + 1] ?? "")) parsed.dbTier = true;
        else parsed.up.db = integer(flag, value());
        break;
      case "--port": parsed.up.port = integer(flag, value()); break;
      case "--idle-timeout": parsed.up.idleTimeoutSeconds = integer(flag, value()); break;
      case "--lines": parsed.lines = integer(flag, value()); break;
      case "--env": {
        const pair = value() ?? "";
        const eq = pair.indexOf("=");
        if (eq < 1) throw new ClusterError(`--env needs KEY=VALUE (got "${pair}")`);
        parsed.up.env = { ...parsed.up.env, [pair.slice(0, eq)]: pair.slice(eq + 1) };
        break;
      }
      case "--json": parsed.json = true; break;
      case "--follow": case "-f": parsed.follow = true; break;
      case "--help": case "-h": parsed.command = "help"; return parsed;
      default:
        if (flag.startsWith("-")) throw new ClusterError(`unknown option ${flag}\n\n${usage}`);
        positional.push(arg);
    }
  }
  if (positional.length > 0) parsed.command = positional.shift()!;
  parsed.names = positional;
  return parsed;
}

function oneName(parsed: Parsed): string {
  if (parsed.names.length !== 1) throw new ClusterError(`${parsed.command} needs one node name: web-N, db-N or lb`);
  return parsed.names[0]!;
}

async function printStatus(json: boolean): Promise<boolean> {
  const rows = await clusterStatus();
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else if (rows.length === 0) {
    process.stdout.write("no cluster yet; run `npm run cluster`\n");
  } else {
    process.stdout.write(`${formatStatusTable(rows)}\n`);
  }
  return rows.length > 0 && rows.every((row) => row.up);
}

function showLogs(name: string, lines: number, follow: boolean): Promise<number> {
  const file = paths.logFile(name);
  if (!existsSync(file)) throw new ClusterError(`no log for ${name} (${file})`);
  return new Promise((resolve) => {
    const tail = spawn("tail", ["-n", String(lines), ...(follow ? ["-F"] : []), file], { stdio: "inherit" });
    tail.once("close", (code) => resolve(code ?? 0));
  });
}

async function main(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  switch (parsed.command) {
    case "help":
      process.stdout.write(`${usage}\n`);
      return 0;
    case "up": {
      const started = Date.now();
      const state = await clusterUp(parsed.up);
      process.stderr.write(`[cluster] up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      await printStatus(false);
      process.stdout.write(`\nshop: ${state.lbUrl}\n`);
      return 0;
    }
    case "status":
      return (await printStatus(parsed.json)) || parsed.json ? 0 : 1;
    case "kill":
      await killNode(oneName(parsed));
      return 0;
    case "stop":
      await stopNode(oneName(parsed));
      return 0;
    case "start":
      await startNode(oneName(parsed));
      return 0;
    case "logs":
      return showLogs(oneName(parsed), parsed.lines, parsed.follow);
    case "deploy": {
      if (parsed.dbTier) {
        const result = await deployDb();
        for (const node of result.nodes) {
          process.stdout.write(`${node.name}\t${(node.totalMs / 1000).toFixed(1)} s (stop ${(node.stopMs / 1000).toFixed(1)} s, rejoin ${(node.rejoinMs / 1000).toFixed(1)} s)\n`);
        }
        process.stdout.write(`database tier restarted in ${(result.totalMs / 1000).toFixed(1)} s\n`);
        return 0;
      }
      const result = await deployWeb();
      process.stdout.write(`release ${result.release} (was ${result.previous ?? "none"}), built in ${(result.buildMs / 1000).toFixed(1)} s\n`);
      for (const node of result.nodes) {
        process.stdout.write(
          `${node.name}\t${(node.totalMs / 1000).toFixed(1)} s (drain ${(node.drainMs / 1000).toFixed(1)} s, start ${(node.startMs / 1000).toFixed(1)} s, rejoin ${(node.rejoinMs / 1000).toFixed(1)} s)\n`,
        );
      }
      process.stdout.write(`deployed in ${(result.totalMs / 1000).toFixed(1)} s\n`);
      return 0;
    }
    case "down":
      await clusterDown();
      return 0;
    case "reset":
      await clusterReset();
      return 0;
    default:
      throw new ClusterError(`unknown command "${parsed.command}"\n\n${usage}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ClusterError) process.stderr.write(`[cluster] error: ${error.message}\n`);
    else process.stderr.write(`[cluster] unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
