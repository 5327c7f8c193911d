export * from './camera.ts';
export * from './presets.ts';
export * from './gsd.ts';
