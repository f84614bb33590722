// What the bot's tests use, and the dev stack's tests of the dev bot and the replay.
export * from './clicks.ts';
export * from './fake-billing.ts';
export * from './stack.ts';
export * from './views.ts';
