// CPU time per process from /proc (Linux): where a benchmark's work went, on cores every process shares.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** The clock ticks of /proc/<pid>/stat times (USER_HZ): 100 on the Linux kernels this runs on. */
const TICKS_PER_SECOND = 100;

/** Process ids by the name they are reported under. */
export type ProcessGroups = Record<string, number[]>;

/** Milliseconds of CPU per unit of work, by group, and their sum. */
export interface CpuPerUnit {
  byGroup: [string, number][];
  total: number;
}

function cpuMsOf(pid: number): number {
  try {
    // utime and stime are the 14th and 15th fields; the command name before them may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0; // the process has exited
  }
}

/** The servers' processes by their command lines: PostgreSQL (every backend), Redis, the Kafka broker. */
export function serverProcesses(): ProcessGroups {
  const groups: ProcessGroups = { postgres: [], redis: [], kafka: [] };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (command.startsWith('postgres')) groups.postgres!.push(Number(entry));
    else if (command.includes('redis-server')) groups.redis!.push(Number(entry));
    else if (command.includes('kafka.Kafka')) groups.kafka!.push(Number(entry));
  }
  return groups;
}

export function canReadProcessTimes(): boolean {
  return cpuMsOf(process.pid) > 0;
}

/**
 * Adds up the CPU time each group of processes spends during measured stretches of work. The groups are
 * listed again before each stretch (PostgreSQL starts a process per connection); a process that starts and
 * exits within a stretch is not counted, so the figures are a lower bound.
 */
export class CpuAccount {
  private readonly totals = new Map<string, number>();

  constructor(private readonly groups: () => ProcessGroups) {}

  /** Runs `work`, then waits `settleMs` for what it set off (consumers, relays) before reading the times. */
  async measure<T>(work: () => Promise<T>, settleMs: number): Promise<T> {
    const groups = this.groups();
    const before = this.read(groups);
    const result = await work();
    await delay(settleMs);
    const after = this.read(groups);
    for (const [name, ms] of after)
      this.totals.set(name, (this.totals.get(name) ?? 0) + ms - before.get(name)!);
    return result;
  }

  per(units: number): CpuPerUnit {
    const byGroup = [...this.totals].map(([name, ms]): [string, number] => [name, ms / units]);
    return { byGroup, total: byGroup.reduce((sum, [, ms]) => sum + ms, 0) };
  }

  private read(groups: ProcessGroups): Map<string, number> {
    return new Map(
      Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0)]),
    );
  }
}

/** "gateway 0.81, circles 1.02, … = 3.40" */
export function formatCpu({ byGroup, total }: CpuPerUnit): string {
  return `${byGroup.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')} = ${total.toFixed(2)}`;
}
