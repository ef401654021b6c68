/**
 * The park model: park, organisations, sites and meters, as one schema that is at once the TypeScript type, the
 * JSON Schema of the park definition file, and (later) the HTTP body schema.
 */
import Type, { type Static } from 'typebox';
import { CARRIERS, READING_KINDS } from '../../lib/units.ts';

/** Carriers and reading kinds live in lib/units.ts, beside the units they constrain. */
export { CARRIERS, READING_KINDS, type Carrier, type ReadingKind } from '../../lib/units.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const DateOrInstant = Type.String({
  minLength: 10,
  description: 'ISO 8601 date (park-local midnight) or instant with offset',
});

/**
 * What a meter measures at the park or enterprise boundary. `import` on electricity is grid import; on other carriers
 * it is the purchased supply (pipeline gas, district steam, fuel deliveries).
 */
export const METER_ROLES = [
  'import',
  'export',
  'generation',
  'storage_charge',
  'storage_discharge',
  'direct_green_supply',
  'consumption',
] as const;
export type MeterRole = (typeof METER_ROLES)[number];

/** Generation technology, required for `generation` and `direct_green_supply` meters. */
export const TECHNOLOGIES = [
  'pv',
  'wind',
  'hydro',
  'biomass',
  'geothermal',
  'chp',
  'gas_turbine',
  'diesel_genset',
  'waste_heat',
  'other',
] as const;
export type Technology = (typeof TECHNOLOGIES)[number];

export const ORGANISATION_KINDS = ['enterprise', 'park_operator', 'public'] as const;
export const SITE_KINDS = ['plant', 'building', 'station', 'yard', 'other'] as const;

export const ParkSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    province: Type.String({ minLength: 1, description: 'pinyin, lower case: yunnan, hunan, shandong …' }),
    timezone: Type.String({ minLength: 1, description: 'IANA zone, e.g. Asia/Shanghai' }),
    gridRegion: Type.String({
      minLength: 1,
      description: 'regional grid: north, northeast, east, central, northwest, south',
    }),
    location: Type.Object(
      {
        latitude: Type.Number({ minimum: -90, maximum: 90 }),
        longitude: Type.Number({ minimum: -180, maximum: 180 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Park = Static<typeof ParkSchema>;

export const OrganisationSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    kind: Type.Optional(Type.Enum(ORGANISATION_KINDS)),
    uscc: Type.Optional(
      Type.String({ description: 'unified social credit code (GB 32100-2015), 18 characters' }),
    ),
    industryCode: Type.Optional(Type.String({ description: 'GB/T 4754-2017 industry code, e.g. C3216' })),
  },
  { additionalProperties: false },
);
export type Organisation = Static<typeof OrganisationSchema>;

export const SiteSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    organisation: Id,
    kind: Type.Optional(Type.Enum(SITE_KINDS)),
  },
  { additionalProperties: false },
);
export type Site = Static<typeof SiteSchema>;

export const ReplacementSchema = Type.Object(
  {
    at: DateOrInstant,
    oldFinalReading: Type.Number({
      minimum: 0,
      description: 'last register value of the removed meter (raw units)',
    }),
    newInitialReading: Type.Number({
      minimum: 0,
      description: 'first register value of the new meter (raw units)',
    }),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Replacement = Static<typeof ReplacementSchema>;

export const MeterSchema = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String()),
    organisation: Id,
    site: Type.Optional(Id),
    carrier: Type.Enum(CARRIERS),
    role: Type.Enum(METER_ROLES),
    technology: Type.Optional(Type.Enum(TECHNOLOGIES)),
    readingKind: Type.Enum(READING_KINDS),
    unit: Type.String({ minLength: 1, description: 'unit of the raw reading, e.g. kWh, kW, m3, t, GJ' }),
    multiplier: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'CT × PT ratio; raw values × multiplier = engineering units',
      }),
    ),
    intervalMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1440, description: 'nominal reporting interval, default 15' }),
    ),
    intervalStamp: Type.Optional(Type.Enum(['end', 'start'] as const)),
    capacity: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          'largest plausible rate in engineering units per hour (kW for kWh); faster rates are spikes',
      }),
    ),
    rolloverAt: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'raw register value at which the counter wraps to zero',
      }),
    ),
    parent: Type.Optional(Id),
    internalTransfer: Type.Optional(
      Type.Boolean({
        description:
          'an import or export between organisations of this park: counted for the organisations, not at the park boundary',
      }),
    ),
    installedAt: Type.Optional(DateOrInstant),
    removedAt: Type.Optional(DateOrInstant),
    replacements: Type.Optional(Type.Array(ReplacementSchema)),
  },
  { additionalProperties: false },
);
export type Meter = Static<typeof MeterSchema>;

export const ParkDefinitionSchema = Type.Object(
  {
    version: Type.Optional(Type.Literal(1)),
    park: ParkSchema,
    organisations: Type.Array(OrganisationSchema),
    sites: Type.Optional(Type.Array(SiteSchema)),
    meters: Type.Array(MeterSchema),
  },
  { additionalProperties: false },
);
/** A whole park definition file, as written by people and by `lingtan park export`. */
export type ParkDefinition = Static<typeof ParkDefinitionSchema>;
