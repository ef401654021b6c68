/**
 * CPLEX LP text, the model format HiGHS reads (`highs` npm package): a small pure writer used by the sizing and
 * dispatch builders. Every variable is written into the objective in the order it was added — with a zero
 * coefficient where it has no cost — so that HiGHS numbers its columns exactly as we did and a solution vector maps
 * back by index, without names (see ADR 0009).
 */
import { AppError } from '../../lib/errors.ts';

/** A constraint's sense. */
export type RowSense = '<=' | '>=' | '=';

/** An LP written as CPLEX LP text, with the number of variables and their names in column order. */
export interface LpText {
  text: string;
  numVars: number;
  numRows: number;
  /** Variable names in column order (index = HiGHS column). */
  varNames: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Formats a finite coefficient for LP text (shortest round-trip form; no `-0`). */
export function formatCoefficient(value: number): string {
  return value === 0 ? '0' : String(value);
}

/**
 * Builds an LP as text: variables with bounds and objective coefficients, rows as pre-formatted lines. Strings are
 * collected in arrays and joined once at the end.
 *
 * @example
 * const lp = new LpBuilder('min');
 * const x = lp.addVar('x', 0, 10, 1);
 * lp.addRow('need', [x], [1], '>=', 3);
 * lp.toText().text; // "Minimize\n obj: x\nSubject To\n need: x >= 3\nBounds\n x <= 10\nEnd\n"
 */
export class LpBuilder {
  private readonly names: string[] = [];
  private readonly cost: number[] = [];
  private readonly lower: number[] = [];
  private readonly upper: number[] = [];
  private readonly rows: string[] = [];
  private readonly rowNames = new Set<string>();

  constructor(private readonly sense: 'min' | 'max' = 'min') {}

  /** Number of variables so far. */
  get numVars(): number {
    return this.names.length;
  }

  /** Adds a variable and returns its column index. Names must be LP identifiers and unique (not checked for speed). */
  addVar(name: string, lower = 0, upper = Infinity, cost = 0): number {
    if (!NAME.test(name) || /^[eE][0-9+-]/.test(name)) {
      throw new AppError('INTERNAL', `LP variable name "${name}" is not a valid LP identifier`);
    }
    assertFinite(cost, name);
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower === Infinity || upper === -Infinity) {
      throw new AppError('BAD_INPUT', `LP variable ${name}: bounds [${lower}, ${upper}] are not valid`);
    }
    this.names.push(name);
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    return this.names.length - 1;
  }

  /** Adds `delta` to a variable's objective coefficient. */
  addCost(variable: number, delta: number): void {
    assertFinite(delta, this.names[variable] ?? String(variable));
    this.cost[variable] = (this.cost[variable] ?? 0) + delta;
  }

  /** Objective coefficient of a variable. */
  costOf(variable: number): number {
    return this.cost[variable] ?? 0;
  }

  /** Sets a variable's bounds. */
  setBounds(variable: number, lower: number, upper: number): void {
    this.lower[variable] = lower;
    this.upper[variable] = upper;
  }

  /** Adds a row Σ coefs[i] · x[vars[i]] (sense) rhs. Zero coefficients are dropped. */
  addRow(
    name: string,
    vars: readonly number[],
    coefs: readonly number[],
    sense: RowSense,
    rhs: number,
  ): void {
    if (this.rowNames.has(name)) throw new AppError('INTERNAL', `LP row name "${name}" is used twice`);
    this.rowNames.add(name);
    assertFinite(rhs, name);
    let line = ` ${name}:`;
    let terms = 0;
    for (let i = 0; i < vars.length; i++) {
      const c = coefs[i]!;
      if (c === 0) continue;
      assertFinite(c, name);
      const v = this.names[vars[i]!]!;
      if (c === 1) line += ` + ${v}`;
      else if (c === -1) line += ` - ${v}`;
      else if (c > 0) line += ` + ${String(c)} ${v}`;
      else line += ` - ${String(-c)} ${v}`;
      terms++;
    }
    // A row whose coefficients are all zero still needs a term for the reader.
    if (terms === 0) line += ` 0 ${this.names[vars[0] ?? 0] ?? 'x'}`;
    this.rows.push(`${line} ${sense} ${formatCoefficient(rhs)}`);
  }

  /** Writes the model. Each variable appears in the objective in column order (zero coefficients included). */
  toText(): LpText {
    const out: string[] = [this.sense === 'min' ? 'Minimize' : 'Maximize'];
    const n = this.names.length;
    const perLine = 8;
    for (let i = 0; i < n; i += perLine) {
      let line = i === 0 ? ' obj:' : '     ';
      for (let j = i; j < Math.min(n, i + perLine); j++) {
        const c = this.cost[j]!;
        const v = this.names[j]!;
        if (c === 0) line += ` + 0 ${v}`;
        else if (c === 1) line += ` + ${v}`;
        else if (c === -1) line += ` - ${v}`;
        else if (c > 0) line += ` + ${String(c)} ${v}`;
        else line += ` - ${String(-c)} ${v}`;
      }
      out.push(line);
    }
    out.push('Subject To');
    for (const row of this.rows) out.push(row);
    out.push('Bounds');
    for (let j = 0; j < n; j++) {
      const lo = this.lower[j]!;
      const hi = this.upper[j]!;
      const v = this.names[j]!;
      if (lo === 0 && hi === Infinity) continue;
      if (lo === -Infinity && hi === Infinity) out.push(` ${v} free`);
      else if (lo === hi) out.push(` ${v} = ${formatCoefficient(lo)}`);
      else if (lo === 0) out.push(` ${v} <= ${formatCoefficient(hi)}`);
      else if (hi === Infinity) out.push(` ${v} >= ${formatCoefficient(lo)}`);
      else
        out.push(` ${lo === -Infinity ? '-inf' : formatCoefficient(lo)} <= ${v} <= ${formatCoefficient(hi)}`);
    }
    out.push('End', '');
    return { text: out.join('\n'), numVars: n, numRows: this.rows.length, varNames: this.names };
  }
}

function assertFinite(value: number, where: string): void {
  if (!Number.isFinite(value)) {
    throw new AppError(
      'BAD_INPUT',
      `LP ${where}: ${String(value)} is not a finite number (check the profiles)`,
    );
  }
}
