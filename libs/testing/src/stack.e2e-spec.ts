// The stack's processes stop the way a deployment stops them: SIGTERM finishes the work in hand, leaves the
// consumer groups (a successor gets the partitions at once, not after the session timeout) and exits 0.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestStack, type TestStack } from './stack.js';
import { withAdmin } from './kafka.js';

describe('test stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ gateway: false });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('stops a service on SIGTERM with exit code 0, its consumer groups left at once', async () => {
    const groups = [
      ...stack.consumerGroups.crm.slice(1),
      ...stack.consumerGroups.circles.slice(1),
      ...stack.consumerGroups.ideas,
    ];
    await withAdmin(stack.kafka, async (admin) => {
      const before = await admin.describeGroups(groups);
      expect(before.groups.map((group) => group.state)).toEqual(groups.map(() => 'Stable'));
      await stack.stop('metrics');
      expect(stack.process('metrics')?.exitCode).toBe(0);
      const after = await admin.describeGroups(groups);
      expect(after.groups.map((group) => group.state)).toEqual(groups.map(() => 'Empty'));
    });
    await stack.start('metrics');
  });
});
