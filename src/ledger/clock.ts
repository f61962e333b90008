/** Wall-clock source, injectable so tests can move time (period boundaries, clock steps). */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
