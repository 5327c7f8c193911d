import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRACTOR_SIZE, DistractorSchema, HARD_NEGATIVE_KINDS, PATCH_KINDS } from './distractor-schema.ts';

describe('DistractorSchema', () => {
  const at = { lon: 119.1, lat: 28.1 };

  it('accepts the forest, town and dirt-lane patches with or without sizes', () => {
    for (const kind of PATCH_KINDS) {
      expect(HARD_NEGATIVE_KINDS).toContain(kind);
      expect(DEFAULT_DISTRACTOR_SIZE[kind].lengthM).toBeGreaterThan(50);
      expect(DistractorSchema.parse({ id: `${kind}-0`, kind, ...at }).kind).toBe(kind);
      const sized = { id: 'p', kind, ...at, lengthM: 220, widthM: 160, headingDeg: 35 };
      expect(DistractorSchema.parse(sized)).toEqual(sized);
    }
  });

  it('refuses unknown kinds, empty ids and impossible sizes', () => {
    expect(() => DistractorSchema.parse({ id: 'a', kind: 'dark_forests', ...at })).toThrow();
    expect(() => DistractorSchema.parse({ id: 'a', kind: 'forest', ...at })).toThrow();
    expect(() => DistractorSchema.parse({ id: '', kind: 'town_roofs', ...at })).toThrow(/id/);
    expect(() => DistractorSchema.parse({ id: 'a', kind: 'town_roofs', ...at, widthM: -5 })).toThrow();
    expect(() => DistractorSchema.parse({ id: 'a', kind: 'dirt_lanes', ...at, lengthM: 6000 })).toThrow();
    expect(() => DistractorSchema.parse({ id: 'a', kind: 'dark_forest', lon: 200, lat: 28 })).toThrow();
  });
});
