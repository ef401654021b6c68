/** Quantities by status with their slot counts: what every rollup bucket and total carries. */
export interface Amounts {
  measured: number;
  estimated: number;
  quarantined: number;
  measuredSlots: number;
  estimatedSlots: number;
  quarantinedSlots: number;
}

/** Adds `from` into `into`, field by field. */
export function addAmounts(into: Amounts, from: Amounts): void {
  into.measured += from.measured;
  into.estimated += from.estimated;
  into.quarantined += from.quarantined;
  into.measuredSlots += from.measuredSlots;
  into.estimatedSlots += from.estimatedSlots;
  into.quarantinedSlots += from.quarantinedSlots;
}
