// Loading a circle's stream for resolvers.
import { circlesStreamId } from '@hc/contracts';
import { notFound, raise, type ServiceRuntime } from '@hc/service-kit';
import { circleDecider } from '../circle.decide.js';
import type { CircleState } from '../circle.state.js';

export async function loadCircle(runtime: ServiceRuntime, circleId: string): Promise<CircleState | null> {
  const { state } = await runtime.commands.load(circleDecider, circlesStreamId.circle(circleId));
  return state.status === 'none' ? null : state;
}

export async function requireCircle(runtime: ServiceRuntime, circleId: string): Promise<CircleState> {
  return (await loadCircle(runtime, circleId)) ?? raise(notFound('No such circle'));
}
