/**
 * How much of the machine other processes used while the benchmark ran: the whole system's
 * busy CPU time (Linux /proc/stat, including time stolen by a hypervisor) minus this
 * process's own. Load averages cannot tell that, since the benchmark itself keeps both CPUs
 * busy during Argon2id.
 */
import { readFileSync } from 'node:fs';

/** /proc/stat counts in USER_HZ ticks, 100 per second on Linux. */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  busyTicks: number;
  totalTicks: number;
  ownMicros: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  } catch {
    return undefined; // not Linux
  }
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number) ?? [];
  if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  // user nice system idle iowait irq softirq steal
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields as [number, number, number, number, number, number, number, number];
  const busyTicks = user + nice + system + irq + softirq + steal;
  const { user: ownUser, system: ownSystem } = process.cpuUsage();
  return { busyTicks, totalTicks: busyTicks + idle + iowait, ownMicros: ownUser + ownSystem };
}

/** Share of all CPUs' time (0..1) that went to other processes (or the hypervisor) between two snapshots. */
export function othersShare(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.totalTicks - before.totalTicks;
  if (total <= 0) return undefined;
  const ownTicks = ((after.ownMicros - before.ownMicros) / 1e6) * TICKS_PER_SECOND;
  return Math.min(1, Math.max(0, (after.busyTicks - before.busyTicks - ownTicks) / total));
}
