// `npm run simulate -- [options]`: plays a programme against the running stack and prints its figures.
import { parseArgs } from 'node:util';
import { DEVELOPMENT_JWT_SECRET } from './client.js';
import { DEFAULT_PLAN_OPTIONS, InfeasiblePlanError } from './plan.js';
import { runSimulation, SimulationRefusedError } from './player.js';
import { formatTable } from './report.js';

const HELP = `Plays a hospitality circles programme against the running stack (started with SIMULATION_MODE=true)
and reads the programme's figures back through the gateway.

Usage: npm run simulate -- [options]

Programme:
  --months <n>                    length of the programme                  [${DEFAULT_PLAN_OPTIONS.months}]
  --weeks <n>                     a programme of whole weeks instead (a pilot)
  --employees <n>                 employees taking part (20 % may lead)     [${DEFAULT_PLAN_OPTIONS.employees}]
  --departments <n>               departments of the contact centre          [${DEFAULT_PLAN_OPTIONS.departments}]
  --seed <n>                      random seed: same seed, same programme     [${DEFAULT_PLAN_OPTIONS.seed}]
  --start <YYYY-MM-DD>            first company-local day                    [${DEFAULT_PLAN_OPTIONS.start}]
Targets (figures of programSummary over the programme):
  --circles-held <n>                                                         [${DEFAULT_PLAN_OPTIONS.targets.circlesHeld}]
  --ideas-submitted <n>           ideas submitted to other departments       [${DEFAULT_PLAN_OPTIONS.targets.ideasSubmitted}]
  --improvements-implemented <n>  improvements inside the contact centre     [${DEFAULT_PLAN_OPTIONS.targets.improvementsImplemented}]
  --written-thanks <n>                                                       [${DEFAULT_PLAN_OPTIONS.targets.writtenThanks}]
  --practical-benefit-share <n>   whole percent                              [${DEFAULT_PLAN_OPTIONS.targets.practicalBenefitShare}]
Stack:
  --gateway <url>                 GraphQL endpoint  [$GATEWAY_URL or http://127.0.0.1:$GATEWAY_PORT/graphql, port 4000]
  --brokers <host:port,…>         Kafka brokers                              [$KAFKA_BROKERS or 127.0.0.1:9092]
  --crm-topic <name>              the CRM topic                              [$CRM_TOPIC or crm.events.v1]
  --jwt-secret <secret>           HS256 secret of the gateway                [$JWT_SECRET or the development secret]
  --concurrency <n>               circles of a week played side by side      [4]
  --timeout <seconds>             wait for asynchronous steps and figures    [180]
  --help

Exit code: 0 when every figure read back equals its target, 1 when one does not, 2 when refused.`;

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value))
    throw new InfeasiblePlanError(`--${name} must be a whole number, got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      months: { type: 'string' },
      weeks: { type: 'string' },
      employees: { type: 'string' },
      departments: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      'circles-held': { type: 'string' },
      'ideas-submitted': { type: 'string' },
      'improvements-implemented': { type: 'string' },
      'written-thanks': { type: 'string' },
      'practical-benefit-share': { type: 'string' },
      gateway: { type: 'string' },
      brokers: { type: 'string' },
      'crm-topic': { type: 'string' },
      'jwt-secret': { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const defaults = DEFAULT_PLAN_OPTIONS;
  const env = process.env;
  const options = {
    months: integer('months', values.months, defaults.months),
    ...(values.weeks === undefined ? {} : { weeks: integer('weeks', values.weeks, 0) }),
    employees: integer('employees', values.employees, defaults.employees),
    departments: integer('departments', values.departments, defaults.departments),
    seed: integer('seed', values.seed, defaults.seed),
    start: values.start ?? defaults.start,
    targets: {
      circlesHeld: integer('circles-held', values['circles-held'], defaults.targets.circlesHeld),
      ideasSubmitted: integer('ideas-submitted', values['ideas-submitted'], defaults.targets.ideasSubmitted),
      improvementsImplemented: integer(
        'improvements-implemented',
        values['improvements-implemented'],
        defaults.targets.improvementsImplemented,
      ),
      writtenThanks: integer('written-thanks', values['written-thanks'], defaults.targets.writtenThanks),
      practicalBenefitShare: integer(
        'practical-benefit-share',
        values['practical-benefit-share'],
        defaults.targets.practicalBenefitShare,
      ),
    },
    gateway: values.gateway ?? env.GATEWAY_URL ?? `http://127.0.0.1:${env.GATEWAY_PORT ?? '4000'}/graphql`,
    brokers: (values.brokers ?? env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
    crmTopic: values['crm-topic'] ?? env.CRM_TOPIC ?? 'crm.events.v1',
    jwtSecret: values['jwt-secret'] ?? env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    concurrency: Math.max(1, integer('concurrency', values.concurrency, 4)),
    timeoutMs: integer('timeout', values.timeout, 180) * 1000,
    log: (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  };
  const result = await runSimulation(options);
  console.log('');
  console.log(formatTable(result.rows));
  console.log('');
  console.log(
    `Period ${result.period.from}..${result.period.to}; wall time ${(result.wallMs / 1000).toFixed(1)} s; ` +
      `${result.requests} GraphQL requests; ${result.crmMessages} CRM messages.`,
  );
  if (!result.ok) console.error('Some figures read back differ from their targets.');
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof InfeasiblePlanError || error instanceof SimulationRefusedError) {
      console.error(`Refused: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
