/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters — registration authority, organisation
 * category, 6-digit administrative division, 9-character organisation code (GB 11714, with its own check character)
 * and a final check character.
 */

/** The 31 characters a USCC may contain, in check-value order (no I, O, S, V, Z). */
export const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The GB 32100-2015 check character for the first 17 characters of a code. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`a USCC body has 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARACTERS.indexOf(first17.charAt(i));
    if (value < 0) throw new RangeError(`'${first17.charAt(i)}' is not a USCC character`);
    sum += value * (USCC_WEIGHTS[i] ?? 0);
  }
  const check = 31 - (sum % 31);
  return USCC_CHARACTERS.charAt(check === 31 ? 0 : check);
}

/** Whether `code` is 18 USCC characters whose last one is the GB 32100-2015 check character of the rest. */
export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  return usccCheckCharacter(code.slice(0, 17)) === code.charAt(17);
}

/** The GB 11714 check character of an 8-character organisation-code body (letters count 10–35; 10 → X, 11 → 0). */
export function organisationCodeCheckCharacter(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ALPHANUMERIC.indexOf(body8.charAt(i)) * (ORG_CODE_WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * Builds a valid USCC from its parts, drawing the organisation-code body from `random` (uniform in [0, 1)).
 * @example createUscc({ authority: '9', category: '1', division: '530181' }, mulberry32(1)) // '91530181MA6…'
 */
export function createUscc(
  parts: { authority: string; category: string; division: string },
  random: () => number,
): string {
  // New registrations since 2015 carry market-regulator organisation codes that begin with "MA".
  let body = 'MA';
  const pool = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  for (let i = 0; i < 6; i++) body += pool.charAt(Math.floor(random() * pool.length));
  const first17 = `${parts.authority}${parts.category}${parts.division}${body}${organisationCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}
