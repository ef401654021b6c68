#!/usr/bin/env python3
"""Independent check of the PV model's annual yield for Kunming (src/modules/microgrid/solar.test.ts).

Written from the model as documented in docs/methods.md ("Source-grid-load-storage: profiles and tariffs" -> "PV
output") and the doc comments of src/modules/microgrid/solar.ts, not from its code. Standard library only:

    python3 docs/checks/pv-yield-kunming.py

Inputs as in the test: 25.04 N, 102.71 E, Asia/Shanghai (UTC+8 all year, no daylight saving), year 2025, tilt 25 deg,
facing south, losses 14 %, air 15 degC; monthly clearness Kt of the dry season (Nov-Apr) = 2,825.22 MJ/m2 and of the
rainy season (May-Oct) = 2,774.41 MJ/m2 (He et al. 2019) over the seasons' extraterrestrial horizontal irradiation by
Duffie & Beckman (eq. 1.10.3 with Cooper's declination). Defaults the docs give: albedo 0.2, NOCT 45 degC, power
temperature coefficient -0.0035 /degC, G0 = 1361 W/m2 / r^2, no beam beyond a zenith of 87 deg. Settled from the
comments in solar.ts where the docs leave it open: Erbs is applied to the hourly step's clearness index (step-mean GHI
over step-mean G0 cos z), and plane of array, cell temperature and power are worked per 5-minute sub-step and averaged.
"""
import math
from datetime import datetime, timedelta, timezone

LAT, LON = 25.04, 102.71
UTC_OFFSET_H = 8
YEAR = 2025
TILT, SURFACE_AZ = 25.0, 180.0
LOSSES, AIR_C = 0.14, 15.0
ALBEDO, NOCT, GAMMA_P = 0.2, 45.0, -0.0035
SOLAR_CONSTANT = 1361.0
SUB_MIN = 5  # sub-step length, minutes
STEP_MIN = 60
MAX_BEAM_ZENITH = 87.0
rad, deg = math.radians, math.degrees


# --- Duffie & Beckman daily extraterrestrial horizontal irradiation, for the test's Kt ---------------------------------
def h0_daily_mj(lat_deg, n):
    d = rad(23.45 * math.sin(rad(360 * (284 + n) / 365)))
    phi = rad(lat_deg)
    ws = math.acos(-math.tan(phi) * math.tan(d))
    e = 1 + 0.033 * math.cos(rad(360 * n / 365))
    return 24 * 3600 * SOLAR_CONSTANT / math.pi * e * (
        math.cos(phi) * math.cos(d) * math.sin(ws) + ws * math.sin(phi) * math.sin(d)) * 1e-6


MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]  # 2025 is not a leap year
h0_month, n = [], 1
for days in MONTH_DAYS:
    h0_month.append(sum(h0_daily_mj(LAT, d) for d in range(n, n + days)))
    n += days
DRY, WET = [0, 1, 2, 3, 10, 11], [4, 5, 6, 7, 8, 9]
kt_dry = 2825.22 / sum(h0_month[m] for m in DRY)
kt_wet = 2774.41 / sum(h0_month[m] for m in WET)
KT = [kt_dry if m in DRY else kt_wet for m in range(12)]


# --- NOAA solar calculator (Solar Calculation Details spreadsheet, after Meeus) -----------------------------------------
def noaa_refraction_deg(e):
    """NOAA's refraction approximation, degrees, at geometric elevation e (degrees)."""
    if e > 85:
        return 0.0
    te = math.tan(rad(e))
    if e > 5:
        r = 58.1 / te - 0.07 / te**3 + 0.000086 / te**5
    elif e > -0.575:
        r = 1735 + e * (-518.2 + e * (103.4 + e * (-12.79 + e * 0.711)))
    else:
        r = -20.772 / te
    return r / 3600


def sun(unix_s):
    """(apparent zenith deg, azimuth deg clockwise from north, earth-sun distance AU) at a UTC instant."""
    jd = unix_s / 86400 + 2440587.5
    jc = (jd - 2451545) / 36525
    l0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360
    m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc)
    e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc)
    c = (math.sin(rad(m)) * (1.914602 - jc * (0.004817 + 0.000014 * jc))
         + math.sin(rad(2 * m)) * (0.019993 - 0.000101 * jc) + math.sin(rad(3 * m)) * 0.000289)
    true_long, true_anom = l0 + c, m + c
    r_au = 1.000001018 * (1 - e * e) / (1 + e * math.cos(rad(true_anom)))
    omega = 125.04 - 1934.136 * jc
    app_long = true_long - 0.00569 - 0.00478 * math.sin(rad(omega))
    obliq0 = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60
    obliq = obliq0 + 0.00256 * math.cos(rad(omega))
    decl = math.asin(math.sin(rad(obliq)) * math.sin(rad(app_long)))
    y = math.tan(rad(obliq / 2)) ** 2
    eot_min = 4 * deg(y * math.sin(2 * rad(l0)) - 2 * e * math.sin(rad(m))
                      + 4 * e * y * math.sin(rad(m)) * math.cos(2 * rad(l0))
                      - 0.5 * y * y * math.sin(4 * rad(l0)) - 1.25 * e * e * math.sin(2 * rad(m)))
    utc_min = (unix_s % 86400) / 60
    tst = (utc_min + eot_min + 4 * LON) % 1440
    h = rad(tst / 4 - 180)
    phi = rad(LAT)
    cosz = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(h)
    geo_elev = 90 - deg(math.acos(max(-1.0, min(1.0, cosz))))
    zen = 90 - (geo_elev + noaa_refraction_deg(geo_elev))
    az = (deg(math.atan2(math.sin(h), math.cos(h) * math.sin(phi) - math.tan(decl) * math.cos(phi))) + 180) % 360
    return zen, az, r_au


def haurwitz(zen):
    cz = math.cos(rad(zen))
    return 1098 * cz * math.exp(-0.059 / cz) if cz > 0 else 0.0


def erbs(kt):
    kt = max(0.0, kt)
    if kt <= 0.22:
        return 1 - 0.09 * kt
    if kt <= 0.8:
        return 0.9511 - 0.1604 * kt + 4.388 * kt**2 - 16.638 * kt**3 + 12.336 * kt**4
    return 0.165


# --- the year, hourly steps of 5-minute sub-steps at their midpoints ---------------------------------------------------
start = datetime(YEAR, 1, 1, tzinfo=timezone(timedelta(hours=UTC_OFFSET_H))).timestamp()  # local 1 January 00:00
steps = 365 * 24
subs = STEP_MIN // SUB_MIN
geom = []  # per step: month, [(zenith, azimuth, G0 horizontal, clear-sky GHI)]
month_g0h, month_cs = [0.0] * 12, [0.0] * 12
cum = [0]
for d in MONTH_DAYS:
    cum.append(cum[-1] + d)
for s in range(steps):
    day = s // 24
    month = next(i for i in range(12) if cum[i] <= day < cum[i + 1])
    row = []
    for k in range(subs):
        t = start + s * STEP_MIN * 60 + (k + 0.5) * SUB_MIN * 60
        zen, az, r = sun(t)
        cz = math.cos(rad(zen))
        g0h = SOLAR_CONSTANT / r**2 * cz if cz > 0 else 0.0
        cs = haurwitz(zen)
        row.append((zen, az, g0h, cs))
        month_g0h[month] += g0h
        month_cs[month] += cs
    geom.append((month, row))
kc = [KT[m] * month_g0h[m] / month_cs[m] for m in range(12)]  # clear-sky index per month

ct, st = math.cos(rad(TILT)), math.sin(rad(TILT))
ghi_sum = poa_sum = beam_sum = sky_sum = gnd_sum = 0.0
yield_kwh = yield_stc = yield_temp = 0.0
for month, row in geom:
    ghi_sub = [kc[month] * cs for (_, _, _, cs) in row]
    ghi_step = sum(ghi_sub) / subs
    g0h_step = sum(g0h for (_, _, g0h, _) in row) / subs
    if ghi_step <= 0:
        continue
    fd = erbs(ghi_step / g0h_step) if g0h_step > 0 else 1.0  # Erbs on the step's clearness index
    p_step = 0.0
    for (zen, az, g0h, _), ghi in zip(row, ghi_sub):
        dhi = fd * ghi
        bh = min(ghi - dhi, g0h) if zen <= MAX_BEAM_ZENITH else 0.0  # beam on the horizontal
        dhi = ghi - bh
        cz = math.cos(rad(zen))
        dni = bh / cz if bh > 0 else 0.0
        cos_inc = cz * ct + math.sin(rad(zen)) * st * math.cos(rad(az - SURFACE_AZ))
        beam = dni * max(0.0, cos_inc) if zen < 90 else 0.0
        sky = dhi * (1 + ct) / 2
        gnd = ghi * ALBEDO * (1 - ct) / 2
        poa = beam + sky + gnd
        tc = AIR_C + (NOCT - 20) * poa / 800
        p = poa / 1000 * (1 + GAMMA_P * (tc - 25)) * (1 - LOSSES)
        ghi_sum += ghi / subs
        poa_sum += poa / subs
        beam_sum += beam / subs
        sky_sum += sky / subs
        gnd_sum += gnd / subs
        yield_stc += poa / 1000 / subs
        yield_temp += poa / 1000 * (1 + GAMMA_P * (tc - 25)) / subs
        yield_kwh += p / subs

print(f"Kt dry {kt_dry:.4f}, Kt wet {kt_wet:.4f}; clear-sky index by month " + " ".join(f"{k:.3f}" for k in kc))
print(f"annual GHI {ghi_sum / 1000:.1f} kWh/m2 = {ghi_sum / 1000 * 3.6:.1f} MJ/m2 (He et al. 2019: 5,598.06 MJ/m2)")
print(f"annual POA {poa_sum / 1000:.1f} kWh/m2 (beam {beam_sum / 1000:.1f}, sky diffuse {sky_sum / 1000:.1f}, "
      f"ground {gnd_sum / 1000:.1f}); POA/GHI {poa_sum / ghi_sum:.4f}")
print(f"temperature factor {yield_temp / yield_stc:.4f} (energy-weighted), losses factor {1 - LOSSES:.2f}")
print(f"annual yield {yield_kwh:.2f} kWh/kWp (solar.test.ts pins 1,364.9 +/- 1)")
