// Entry point of the simulator package.
export {};
