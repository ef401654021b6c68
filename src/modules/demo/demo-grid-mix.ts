/**
 * An ILLUSTRATIVE zone model of the southern grid (Yunnan, Guizhou, Guangxi, Guangdong) for one year of hours: each
 * zone's hourly generation by technology and load, and the west-to-east exchanges (Yunnan → Guangdong and Guangxi,
 * Guizhou → Guangdong, Guangxi → Guangdong). The magnitudes are round, plausible figures chosen for the demo — not
 * statistics of China Southern Power Grid. Deterministic: every random number is mulberry32 at a counter.
 */
import { zoneSeries, type SeriesPoint, type ZoneHour, type ZoneYearInput } from '../green/index.ts';
import { hashSeed, triangularAt, uniformAt } from '../../lib/random.ts';

/** How the model is labelled wherever it is shown. */
export const DEMO_GRID_MIX_LABEL =
  'Illustrative southern-grid zone model (synthetic, seeded): not statistics of China Southern Power Grid';

interface ZoneParameters {
  id: string;
  name: string;
  /** Average load, MW. */
  loadMw: number;
  /** Average hydro, wind and PV available, MW; hydro follows the wet season, wind the dry season. */
  hydroMw: number;
  windMw: number;
  pvMw: number;
  nuclearMw: number;
  /** Coal runs between these (must-run units and the fleet); gas covers what is left. */
  coalMinMw: number;
  coalMaxMw: number;
}

// Round figures of the right order of magnitude (average MW over the year).
const ZONES: readonly ZoneParameters[] = [
  {
    id: 'yunnan',
    name: '云南 Yunnan',
    loadMw: 28_000,
    hydroMw: 34_000,
    windMw: 3_800,
    pvMw: 3_600,
    nuclearMw: 0,
    coalMinMw: 2_000,
    coalMaxMw: 16_000,
  },
  {
    id: 'guizhou',
    name: '贵州 Guizhou',
    loadMw: 19_000,
    hydroMw: 6_500,
    windMw: 1_500,
    pvMw: 2_200,
    nuclearMw: 0,
    coalMinMw: 8_000,
    coalMaxMw: 40_000,
  },
  {
    id: 'guangxi',
    name: '广西 Guangxi',
    loadMw: 24_000,
    hydroMw: 7_500,
    windMw: 3_000,
    pvMw: 1_600,
    nuclearMw: 4_000,
    coalMinMw: 4_000,
    coalMaxMw: 25_000,
  },
  {
    id: 'guangdong',
    name: '广东 Guangdong',
    loadMw: 95_000,
    hydroMw: 1_500,
    windMw: 4_500,
    pvMw: 5_500,
    nuclearMw: 16_000,
    coalMinMw: 20_000,
    coalMaxMw: 38_000,
  },
];

/** Average exports, MW, scaled by the sender's hydro season (west-to-east transmission follows the water). */
const EXCHANGES: readonly { from: string; to: string; mw: number; followsHydro: boolean }[] = [
  { from: 'yunnan', to: 'guangdong', mw: 15_000, followsHydro: true },
  { from: 'yunnan', to: 'guangxi', mw: 3_000, followsHydro: true },
  { from: 'guizhou', to: 'guangdong', mw: 5_000, followsHydro: false },
  { from: 'guangxi', to: 'guangdong', mw: 2_500, followsHydro: false },
];

// Monthly factors (January first), mean 1: hydro peaks in the wet season (June–October), wind in the dry season,
// PV in the sunny dry spring; load is a little higher in summer.
const HYDRO_BY_MONTH = [0.52, 0.48, 0.5, 0.55, 0.75, 1.2, 1.5, 1.55, 1.45, 1.25, 0.75, 0.6];
const WIND_BY_MONTH = [1.35, 1.45, 1.45, 1.25, 1.0, 0.75, 0.65, 0.65, 0.75, 0.9, 1.2, 1.3];
const PV_BY_MONTH = [1.0, 1.15, 1.25, 1.25, 1.1, 0.9, 0.85, 0.85, 0.9, 0.95, 0.95, 0.9];
const LOAD_BY_MONTH = [0.97, 0.9, 0.97, 0.99, 1.02, 1.04, 1.07, 1.08, 1.03, 1.0, 0.97, 0.98];

const HOUR_MS = 3_600_000;
const OFFSET = '+08:00';
const pad = (n: number) => String(n).padStart(2, '0');
const tenth = (x: number) => Math.round(x * 10) / 10;

/** Share of the day's load in hour h (mean 1): low at night, a morning and an evening peak. */
function loadShape(hour: number): number {
  return 0.84 + 0.12 * Math.sin(((hour - 7) / 24) * 2 * Math.PI) + 0.1 * Math.exp(-((hour - 19) ** 2) / 6);
}

/** PV output per unit of its daily average in hour h (mean 1 over the day). */
function sunShape(hour: number): number {
  const s = Math.sin((Math.PI * (hour + 0.5 - 7)) / 12);
  return s > 0 ? (s * Math.PI * 24) / (2 * 12) : 0;
}

/**
 * A year of hours (8,760, or 8,784 in a leap year) of the illustrative southern-grid zone model, in China Standard
 * Time. Deterministic: the same year gives the same numbers.
 * @example zoneSeries(demoZoneYear(2025), 'yunnan') // the hourly consumption mix of Yunnan
 */
export function demoZoneYear(year: number): ZoneYearInput {
  const startMs = Date.UTC(year, 0, 1);
  const hourCount = (Date.UTC(year + 1, 0, 1) - startMs) / HOUR_MS;
  const seeds = new Map(
    ZONES.flatMap((z) =>
      ['wind', 'cloud', 'load', 'hydro'].map((k) => [`${z.id}:${k}`, hashSeed(`${year}:${z.id}:${k}`)]),
    ),
  );
  const seed = (zone: string, kind: string) => seeds.get(`${zone}:${kind}`)!;
  // Wind speed index per zone: an AR(1) process, so windy and calm spells last a day or two.
  const windState = new Map(ZONES.map((z) => [z.id, 1]));
  const hours: ZoneHour[] = [];
  for (let h = 0; h < hourCount; h++) {
    // Wall-clock fields of the local hour: UTC fields of an instant shifted by the zone's fixed offset.
    const local = new Date(startMs + h * HOUR_MS);
    const month = local.getUTCMonth();
    const day = Math.floor(h / 24);
    const hour = local.getUTCHours();
    const at = `${local.getUTCFullYear()}-${pad(month + 1)}-${pad(local.getUTCDate())}T${pad(hour)}:00:00${OFFSET}`;
    const hydroFactor = HYDRO_BY_MONTH[month]!;
    const available = new Map<string, { hydro: number; wind: number; pv: number; load: number }>();
    for (const z of ZONES) {
      const w = 0.96 * windState.get(z.id)! + 0.04 + 0.22 * triangularAt(seed(z.id, 'wind'), h);
      windState.set(z.id, Math.max(0.05, w));
      const cloud = 0.55 + 0.45 * uniformAt(seed(z.id, 'cloud'), day);
      const load =
        z.loadMw * LOAD_BY_MONTH[month]! * loadShape(hour) * (1 + 0.03 * triangularAt(seed(z.id, 'load'), h));
      // Reservoir hydro follows the load a little within the day; run-of-river noise day to day.
      const hydro =
        z.hydroMw *
        hydroFactor *
        (0.85 + 0.15 * loadShape(hour)) *
        (1 + 0.05 * triangularAt(seed(z.id, 'hydro'), day));
      available.set(z.id, {
        hydro,
        wind: z.windMw * WIND_BY_MONTH[month]! * windState.get(z.id)!,
        pv: (z.pvMw * PV_BY_MONTH[month]! * sunShape(hour) * cloud) / 0.775,
        load,
      });
    }
    const exchanges = EXCHANGES.map((x) => ({
      from: x.from,
      to: x.to,
      // Hydro-following corridors carry 0.6 … 1.4 of their average with the season, a little more at the peak.
      mw: tenth(x.mw * (x.followsHydro ? 0.55 + 0.45 * hydroFactor : 1) * (0.9 + 0.1 * loadShape(hour))),
    }));
    const zones: ZoneHour['zones'] = {};
    for (const z of ZONES) {
      const a = available.get(z.id)!;
      const imports = exchanges.filter((x) => x.to === z.id).reduce((s, x) => s + x.mw, 0);
      const exports = exchanges.filter((x) => x.from === z.id).reduce((s, x) => s + x.mw, 0);
      const loadMw = tenth(a.load);
      let hydro = tenth(a.hydro);
      let pv = tenth(a.pv);
      let wind = tenth(a.wind);
      const nuclear = z.nuclearMw;
      const needed = loadMw + exports - imports;
      // Coal has a floor (must-run units): surplus renewables are spilled, hydro first, then PV, then wind.
      let surplus = z.coalMinMw - (needed - hydro - pv - wind - nuclear);
      for (const cut of ['hydro', 'pv', 'wind'] as const) {
        if (surplus <= 0) break;
        const take = Math.min(surplus, cut === 'hydro' ? hydro : cut === 'pv' ? pv : wind);
        if (cut === 'hydro') hydro = tenth(hydro - take);
        else if (cut === 'pv') pv = tenth(pv - take);
        else wind = tenth(wind - take);
        surplus -= take;
      }
      const residual = needed - hydro - pv - wind - nuclear;
      const coal = tenth(Math.max(0, Math.min(residual, z.coalMaxMw)));
      const gas = tenth(Math.max(0, residual - coal));
      zones[z.id] = {
        generationMw: { hydro, wind, pv, coal, gas, nuclear },
        loadMw,
      };
    }
    hours.push({ at, zones, exchanges });
  }
  return {
    title: `${DEMO_GRID_MIX_LABEL}, ${year}`,
    note:
      'Zones exchange power west to east; each zone consumes the mix of its own generation and its imports ' +
      '(proportional sharing). Figures are illustrative round numbers, not statistics.',
    zones: ZONES.map((z) => ({ id: z.id, name: z.name })),
    hours,
  };
}

/** The traced hourly consumption mix and green share of one zone of the illustrative model (default Yunnan). */
export function demoGridGreenShare(year: number, zone = 'yunnan'): SeriesPoint[] {
  return zoneSeries(demoZoneYear(year), zone);
}
