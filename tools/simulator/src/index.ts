// Plays a hospitality circles programme against the running stack: the plan, the player and its options.
export * from './plan.js';
export * from './calendar.js';
