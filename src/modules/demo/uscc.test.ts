import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isValidUscc as registryIsValidUscc } from '../registry/index.ts';
import { mulberry32 } from '../../lib/random.ts';
import {
  USCC_CHARACTERS,
  createUscc,
  isValidUscc,
  organisationCodeCheckCharacter,
  usccCheckCharacter,
} from './uscc.ts';

describe('unified social credit codes (GB 32100-2015)', () => {
  it('accepts a published example and computes its check character by hand', () => {
    // 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4 with weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28:
    // 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 21·20 + 0 + 0 + 0 + 8 + 0 + 0 + 30·30 + 4·28 = 1640; 1640 mod 31 = 28;
    // 31 − 28 = 3.
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y44')).toBe(false);
    expect(isValidUscc('91350100M000100I43')).toBe(false); // I is not a USCC character
  });

  it('computes the GB 11714 organisation-code check character', () => {
    // 'MA6K' … letters count 10–35: M 22, A 10; weights 3 7 9 10 5 8 4 2.
    // 22·3 + 10·7 + 6·9 + 20·10 + 1·5 + 2·8 + 3·4 + 4·2 = 431; 431 mod 11 = 2; 11 − 2 = 9.
    expect(organisationCodeCheckCharacter('MA6K1234')).toBe('9');
  });

  test.prop([fc.integer({ min: 1, max: 2 ** 31 })])(
    'generated codes are valid, also by the registry',
    (seed) => {
      const code = createUscc({ authority: '9', category: '1', division: '530181' }, mulberry32(seed));
      expect(code).toHaveLength(18);
      expect(code.startsWith('91530181MA')).toBe(true);
      expect(isValidUscc(code)).toBe(true);
      expect(registryIsValidUscc(code)).toBe(true);
    },
  );

  test.prop([
    fc.integer({ min: 1, max: 2 ** 31 }),
    fc.integer({ min: 0, max: 17 }),
    fc.integer({ min: 1, max: 30 }),
  ])('any single changed character is detected', (seed, position, shift) => {
    const code = createUscc({ authority: '9', category: '1', division: '530181' }, mulberry32(seed));
    const old = USCC_CHARACTERS.indexOf(code.charAt(position));
    const changed = USCC_CHARACTERS.charAt((old + shift) % 31);
    const mutated = code.slice(0, position) + changed + code.slice(position + 1);
    expect(isValidUscc(mutated)).toBe(false);
  });
});
