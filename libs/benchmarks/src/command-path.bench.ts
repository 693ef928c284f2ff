// The command path: `proposeIdea` in many circles at once through the gateway (JWT, limits, Redis rate
// limit, query planning, signed identity) against the same mutation sent straight to the circles subgraph.
import { startTestStack, type TestStack } from '@hc/testing';
import { brainstormCircles, PROPOSE_IDEA, type BrainstormCircle } from './circles-fixture.js';
import { canReadProcessTimes, CpuAccount, formatCpu, serverProcesses, type CpuPerUnit } from './cpu-usage.js';
import { gatewayHeaders, postGraphQL, subgraphHeaders } from './graphql.js';
import { percentile, type Row } from './stats.js';

const CONCURRENCY = 32;
const ROUNDS = 4;
/** After a round, the relay and the consumers finish the events it appended before the CPU times are read. */
const SETTLE_MS = 1_000;

/** Gateway settings for load from a few clients: the per-client rate limit would otherwise refuse most of it. */
export const BENCH_GATEWAY_ENV: NodeJS.ProcessEnv = { RATE_LIMIT_PER_MINUTE: '100000000' };

interface Target {
  url: string;
  /** Headers per member subject, prepared before measuring so signing is not timed. */
  headers: Map<string, Record<string, string>>;
  circles: BrainstormCircle[];
}

interface Result {
  latencies: number[];
  seconds: number;
  errors: number;
  firstError?: string;
}

async function run(target: Target, requests: number, offset: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        const n = offset + next++;
        const circle = target.circles[n % target.circles.length]!;
        const member = circle.members[Math.floor(n / target.circles.length) % circle.members.length]!;
        const before = performance.now();
        const reply = await postGraphQL(
          target.url,
          PROPOSE_IDEA,
          { id: circle.circleId, text: `Перезвонить клиенту в тот же день, вариант ${n}` },
          target.headers.get(member.subject)!,
        ).catch((error: unknown) => ({ errors: [{ message: String(error) }] }));
        if (reply.errors?.length) {
          errors += 1;
          firstError ??= reply.errors[0]!.message;
        } else {
          latencies.push(performance.now() - before);
        }
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000, errors, firstError };
}

function merge(results: Result[]): Result {
  return {
    latencies: results.flatMap((result) => result.latencies),
    seconds: results.reduce((sum, result) => sum + result.seconds, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    firstError: results.find((result) => result.firstError)?.firstError,
  };
}

export async function commandTargets(stack: TestStack, circlesPerTarget: number) {
  // Separate circles for each path, so both append to streams of the same length.
  const [viaGateway, direct] = await Promise.all([
    brainstormCircles(stack.urls.circles, stack.identitySecret, circlesPerTarget, 'gw'),
    brainstormCircles(stack.urls.circles, stack.identitySecret, circlesPerTarget, 'direct'),
  ]);
  const gateway: Target = { url: stack.urls.gateway, headers: new Map(), circles: viaGateway };
  for (const member of viaGateway.flatMap((circle) => circle.members))
    gateway.headers.set(member.subject, await gatewayHeaders(member, stack.jwtSecret));
  const subgraph: Target = { url: stack.urls.circles, headers: new Map(), circles: direct };
  for (const member of direct.flatMap((circle) => circle.members))
    subgraph.headers.set(member.subject, subgraphHeaders(member, stack.identitySecret));
  return { gateway, subgraph };
}

/** Where each path's CPU went: the closed loop serves at the rate of the CPU a mutation costs all processes. */
function cpuRow(ours: CpuPerUnit, baseline: CpuPerUnit): Row {
  return {
    benchmark: 'command path: CPU per mutation by process, ms (/proc times, rounds plus 1 s to settle)',
    ours: formatCpu(ours),
    baseline: formatCpu(baseline),
    ratio: `${(ours.total / baseline.total).toFixed(2)}×`,
    target: '(diagnostic)',
  };
}

export async function benchmarkCommandPath(scale: number): Promise<Row[]> {
  const stack = await startTestStack({ partitions: 6, env: BENCH_GATEWAY_ENV });
  try {
    const { gateway, subgraph } = await commandTargets(stack, 40);
    const perRound = Math.round((4_000 * scale) / ROUNDS);
    // Warm-up: connections, query plan cache, JIT.
    await run(gateway, 200, 0);
    await run(subgraph, 200, 0);
    // Alternating rounds share the machine's background noise between both paths.
    const viaGateway: Result[] = [];
    const direct: Result[] = [];
    const processes = () => ({
      ...Object.fromEntries(
        (['gateway', 'circles', 'ideas', 'metrics'] as const).map((name) => [
          name,
          [stack.process(name)!.pid!],
        ]),
      ),
      ...serverProcesses(),
      'load generator': [process.pid],
    });
    const cpu = { gateway: new CpuAccount(processes), direct: new CpuAccount(processes) };
    const gatewayRound = async (offset: number) =>
      viaGateway.push(await cpu.gateway.measure(() => run(gateway, perRound, offset), SETTLE_MS));
    const directRound = async (offset: number) =>
      direct.push(await cpu.direct.measure(() => run(subgraph, perRound, offset), SETTLE_MS));
    for (let round = 0; round < ROUNDS; round++) {
      const offset = 200 + round * perRound;
      if (round % 2 === 0) {
        await directRound(offset);
        await gatewayRound(offset);
      } else {
        await gatewayRound(offset);
        await directRound(offset);
      }
    }
    const ours = merge(viaGateway);
    const baseline = merge(direct);
    for (const [name, result] of [
      ['gateway', ours],
      ['direct', baseline],
    ] as const) {
      if (result.errors > 0)
        console.error(`command path (${name}): ${result.errors} errors, first: ${result.firstError}`);
    }
    const rate = (result: Result) => result.latencies.length / result.seconds;
    const p50 = percentile(ours.latencies, 50);
    const baseP50 = percentile(baseline.latencies, 50);
    const label = `proposeIdea in ${gateway.circles.length} circles, ${CONCURRENCY} in flight`;
    return [
      {
        benchmark: `command path, ${label}: mutations/s`,
        ours: `${rate(ours).toFixed(0)}${ours.errors ? ` (${ours.errors} errors)` : ''}`,
        baseline: `${rate(baseline).toFixed(0)} (direct to subgraph)${baseline.errors ? ` (${baseline.errors} errors)` : ''}`,
        ratio: `${(rate(ours) / rate(baseline)).toFixed(2)}×`,
        target: '≥ 500 mutations/s',
      },
      {
        benchmark: `command path, ${label}: p50 / p99 ms`,
        ours: `${p50.toFixed(1)} / ${percentile(ours.latencies, 99).toFixed(1)}`,
        baseline: `${baseP50.toFixed(1)} / ${percentile(baseline.latencies, 99).toFixed(1)}`,
        ratio: `p50 ${(p50 / baseP50).toFixed(2)}×`,
        target: 'p50 ≤ 1.5× direct',
      },
      ...(canReadProcessTimes()
        ? [cpuRow(cpu.gateway.per(ours.latencies.length), cpu.direct.per(baseline.latencies.length))]
        : []),
    ];
  } finally {
    await stack.close();
  }
}
