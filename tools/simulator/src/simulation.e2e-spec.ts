// A short programme through the whole stack: CRM events on Kafka, every person's acts through the gateway,
// and the figures read back from programSummary equal to the targets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack, testInfrastructure, type TestStack } from '@hc/testing';
import { FIGURES, runSimulation, type SimulationOptions } from './index.js';

describe('a simulated programme through the whole stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // Shared CI machines can be slow to answer the first requests; the gateway's default is 10 s.
    stack = await startTestStack({ simulationMode: true, env: { SUBGRAPH_TIMEOUT_MS: '30000' } });
  });

  afterAll(async () => {
    await stack?.close();
  });

  function lastLogLines(): string {
    return readdirSync(stack.logDir)
      .map(
        (file) =>
          `--- ${file}\n${readFileSync(join(stack.logDir, file), 'utf8').split('\n').slice(-15).join('\n')}`,
      )
      .join('\n');
  }

  it('reads back exactly the targets of a three-week pilot', async () => {
    const { kafkaBrokers } = await testInfrastructure();
    const lines: string[] = [];
    const options: SimulationOptions = {
      months: 1,
      weeks: 3,
      employees: 30,
      departments: 3,
      seed: 5,
      start: '2026-06-01',
      targets: {
        circlesHeld: 6,
        ideasSubmitted: 2,
        improvementsImplemented: 3,
        writtenThanks: 4,
        practicalBenefitShare: 80,
      },
      gateway: stack.urls.gateway,
      brokers: kafkaBrokers,
      crmTopic: stack.topics.crm,
      jwtSecret: stack.jwtSecret,
      concurrency: 4,
      timeoutMs: 60_000,
      log: (line) => lines.push(line),
    };
    let result;
    try {
      result = await runSimulation(options);
    } catch (error) {
      throw new Error(`${String(error)}\n${lines.join('\n')}\n${lastLogLines()}`, { cause: error });
    }
    const { targets } = options;
    expect(result.rows).toEqual(
      FIGURES.map((figure) => ({ figure, target: targets[figure], readBack: targets[figure], ok: true })),
    );
    expect(result.ok).toBe(true);

    // The same period again is refused: it already has data.
    await expect(runSimulation(options)).rejects.toThrow(/already has data.*--start/s);
  }, 240_000);
});
