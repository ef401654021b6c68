/**
 * The factor key families as the factor library page groups and checks them: the server's own catalogue
 * (FACTOR_KEYS in src/modules/carbon/types.ts, import-free), first match wins.
 */
import {
  FACTOR_GROUPS,
  FACTOR_KEYS,
  type FactorGroup,
  type FactorKeyFamily,
} from '../../../../src/modules/carbon/types.ts';

export { FACTOR_GROUPS, type FactorGroup };
export type KeyFamily = FactorKeyFamily;
export const KEY_FAMILIES: readonly KeyFamily[] = FACTOR_KEYS;

/** The family a key belongs to, or undefined for a key the server would refuse. */
export function keyFamily(key: string): KeyFamily | undefined {
  return KEY_FAMILIES.find((f) => f.regex.test(key));
}
