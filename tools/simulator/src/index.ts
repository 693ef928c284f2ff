// Plays a hospitality circles programme against the running stack: the plan, the player and its report.
export * from './plan.js';
export * from './calendar.js';
export { runSimulation, SimulationRefusedError, FIGURES } from './player.js';
export type { FigureRow, SimulationOptions, SimulationResult } from './player.js';
export { DEVELOPMENT_JWT_SECRET, GatewayClient, GraphQLCallError } from './client.js';
export { formatTable } from './report.js';
